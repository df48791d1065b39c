// The AWS targets. Both build on the other materializers instead of copying them:
// - eks: a VPC and an EKS cluster, then the Kubernetes materializer on it; postgres, redis and
//   minio run as RDS, ElastiCache and S3 (unless slipway:managedServices is false).
// - ec2: a VPC and one host, then the Docker materializer on the host's engine over SSH.
// Vault, on either, auto-unseals with a KMS key of its own.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Task, TargetEnvironment, Workload } from "../../model";
import { Deployed, Materializer, Provisioned, Service } from "../../service";
import { DockerTarget } from "../docker";
import { KubernetesTarget } from "../kubernetes";
import { createHost, SSH_USER } from "./ec2";
import { createEks, serviceAccountRole } from "./eks";
import { ManagedServices } from "./managed";
import { createNetwork } from "./network";

/** The KMS permissions Vault's seal needs on its key. */
const kmsSealPolicy = (keyArn: pulumi.Input<string>) =>
    pulumi.output(keyArn).apply((arn) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: arn }] }),
    );

/** A KMS key for Vault's seal, when the platform runs Vault. */
function vaultKey(spec: PlatformSpec, name: string, opts: pulumi.ComponentResourceOptions): aws.kms.Key | undefined {
    if (!spec.services.some((s) => s.type === "vault")) return undefined;
    return new aws.kms.Key(
        "vault-seal",
        { description: `${name}: Vault auto-unseal`, enableKeyRotation: true, deletionWindowInDays: 30 },
        { ...opts, protect: spec.aws!.protectData },
    );
}

/** What the AWS targets offer services: Vault's seal, with its key, where the platform has one. */
function sealEnvironment(key: aws.kms.Key | undefined, region: pulumi.Output<string>): TargetEnvironment {
    return key ? { vaultSeal: { awskms: { region, keyId: key.keyId } } } : {};
}

export class EksTarget implements Materializer {
    private readonly kubernetes: KubernetesTarget;
    private readonly managed?: ManagedServices;
    private readonly external = new Map<string, { cidr: string; port: number }>();
    private readonly sealKey?: aws.kms.Key;
    private readonly region: pulumi.Output<string>;
    private readonly kubeconfig: pulumi.Output<string>;
    private readonly clusterName: pulumi.Output<string>;
    private readonly vpcCidr: string;

    constructor(spec: PlatformSpec, parent: pulumi.Resource, ports: (service: string) => readonly number[]) {
        const settings = spec.aws!;
        this.vpcCidr = settings.vpcCidr;
        const name = `${spec.project}-${spec.stack}`;
        const opts = { parent };
        this.region = aws.getRegionOutput({}, opts).region;
        const network = createNetwork(name, settings, name, opts);
        const eks = createEks(name, settings, network, this.region, opts);
        this.kubeconfig = eks.kubeconfig;
        this.clusterName = eks.cluster.name;
        this.sealKey = vaultKey(spec, name, opts);
        if (settings.managedServices) {
            this.managed = new ManagedServices(name, spec.size, settings, network, eks.cluster.vpcConfig.clusterSecurityGroupId, this.region, opts);
        }
        const provider = new k8s.Provider("eks", { kubeconfig: eks.kubeconfig, enableServerSideApply: true }, { parent, dependsOn: [eks.nodeGroup] });
        const namespace = spec.kubernetes!.namespace;
        const sealKey = this.sealKey;
        this.kubernetes = new KubernetesTarget(spec, parent, ports, {
            provider,
            // Network load balancers in the public subnets, open to the admin networks only.
            loadBalancerAnnotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            },
            loadBalancerSourceRanges: settings.adminCidrs,
            external: this.external,
            // Vault reaches its KMS key through an IAM role for its own service account (IRSA).
            serviceAccount: (w: Workload) => {
                if (w.type !== "vault" || !sealKey) return undefined;
                const role = serviceAccountRole(`${w.name}-kms`, eks, namespace, w.name, kmsSealPolicy(sealKey.arn), opts);
                return { "eks.amazonaws.com/role-arn": role.arn };
            },
        });
    }

    public provision(svc: Service): Provisioned | undefined {
        const managed = this.managed?.provision(svc.spec, svc.credentials, svc);
        if (!managed) return undefined;
        // RDS and ElastiCache sit in the VPC's private subnets; S3 is reached over HTTPS.
        this.external.set(svc.name, { cidr: managed.port === 443 ? "0.0.0.0/0" : this.vpcCidr, port: managed.port });
        return { connection: managed.connection, deployed: { ready: managed.ready, endpoint: managed.endpoint } };
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        return this.kubernetes.deploy(w, parent, after);
    }

    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        return this.kubernetes.runTask(t, parent, after);
    }

    /** A managed service's consumers read its credentials from a Secret in the namespace, as for any service. */
    public publishSecrets(w: Workload, parent: pulumi.ComponentResource): pulumi.Resource {
        return this.kubernetes.secretStore(w.name, w.type, w.ownSecrets, parent);
    }

    public environment(): TargetEnvironment {
        return sealEnvironment(this.sealKey, this.region);
    }

    public outputs(): Record<string, pulumi.Input<unknown>> {
        return { ...this.kubernetes.outputs(), cluster: this.clusterName, kubeconfig: this.kubeconfig };
    }

}

export class Ec2Target implements Materializer {
    private readonly docker: DockerTarget;
    private readonly sealKey?: aws.kms.Key;
    private readonly region: pulumi.Output<string>;
    private readonly address: pulumi.Output<string>;

    constructor(spec: PlatformSpec, parent: pulumi.Resource) {
        const settings = spec.aws!;
        const name = `${spec.project}-${spec.stack}`;
        const opts = { parent };
        const network = createNetwork(name, settings, undefined, opts);
        this.region = aws.getRegionOutput({}, opts).region;
        this.sealKey = vaultKey(spec, name, opts);
        const publicPorts = Object.values(spec.hostPorts).flatMap((ports) => Object.values(ports));
        const host = createHost(name, settings, network, publicPorts, this.sealKey ? [kmsSealPolicy(this.sealKey.arn)] : [], opts);
        this.address = host.address;
        const provider = new docker.Provider(
            "ec2-docker",
            { host: pulumi.interpolate`ssh://${SSH_USER}@${host.address}`, sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"] },
            { parent, dependsOn: [host.dockerReady] },
        );
        this.docker = new DockerTarget(spec, parent, { provider, publicHost: host.address, after: [host.dockerReady] });
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        return this.docker.deploy(w, parent, after);
    }

    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        return this.docker.runTask(t, parent, after);
    }

    public environment(): TargetEnvironment {
        return sealEnvironment(this.sealKey, this.region);
    }

    public outputs(): Record<string, pulumi.Input<unknown>> {
        return { host: this.address };
    }
}
