// The eks target: a VPC and an EKS cluster, then the Kubernetes materializer on it; postgres,
// redis and minio run as RDS, ElastiCache and S3 (unless slipway:managedServices is false).
// Vault auto-unseals with a KMS key of its own, reached through IRSA.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Task, TargetEnvironment, Workload } from "../../model";
import { Deployed, Materializer, Provisioned, Service } from "../../service";
import { KubernetesTarget } from "../kubernetes";
import { createEks, serviceAccountRole } from "./eks";
import { ManagedServices } from "./managed";
import { createNetwork } from "./network";
import { kmsSealPolicy, sealEnvironment, vaultKey } from "./seal";

/** The StorageClass Slipway makes on EKS for data volumes. */
export const EKS_STORAGE_CLASS = "gp3-encrypted";

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
        // From EKS 1.30 on no StorageClass is the default (aws/containers-roadmap#1330; EKS
        // docs, Kubernetes 1.30), so claims that name none would stay Pending and every
        // StatefulSet would time out. Unless the stack names a class, Slipway makes an encrypted
        // gp3 class for the EBS CSI driver, marks it default, and its volumes use it.
        const storageClass = spec.kubernetes!.storageClass
            ? undefined
            : new k8s.storage.v1.StorageClass(
                  "gp3",
                  {
                      metadata: { name: EKS_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                      provisioner: "ebs.csi.aws.com",
                      parameters: { type: "gp3", encrypted: "true" },
                      volumeBindingMode: "WaitForFirstConsumer",
                      allowVolumeExpansion: true,
                      reclaimPolicy: settings.protectData ? "Retain" : "Delete",
                  },
                  { parent, provider, dependsOn: [eks.ebsCsi] },
              );
        this.kubernetes = new KubernetesTarget(spec, parent, ports, {
            provider,
            // Network load balancers in the public subnets, open to the admin networks only.
            loadBalancerAnnotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            },
            loadBalancerSourceRanges: settings.adminCidrs,
            external: this.external,
            storageClass: storageClass ? { name: EKS_STORAGE_CLASS, resource: storageClass } : undefined,
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

