// The eks target: a VPC and an EKS cluster, then the Kubernetes materializer on it; postgres,
// redis and minio run as RDS, ElastiCache and S3 (unless slipway:managedServices is false).
// Workloads that need AWS get an IAM role of their own through their service account (IRSA):
// Vault for its KMS seal, and every consumer of an S3 bucket for that bucket. They reach AWS
// through VPC endpoints, and their NetworkPolicy names those endpoints' addresses.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, PortSpec, ServiceSpec, Task, Workload } from "../../model";
import { Deployed, ManagedAs, Materializer, Provisioned, Service } from "../../service";
import { identityLabels, tagWithIdentity } from "../identity";
import { ExternalPeer, KubernetesTarget } from "../kubernetes";
import { createEks, Eks, serviceAccountRole } from "./eks";
import { ApiEndpoint, createEndpoints, Endpoints } from "./endpoints";
import { awsAccount } from "./account";
import { ManagedServices } from "./managed";
import { stackName } from "./names";
import { createNetwork } from "./network";
import { bucketStatements } from "./s3";
import { kmsSealStatement, sealEnvironment, vaultKey } from "./seal";

/** The StorageClass Slipway makes on EKS for data volumes. */
export const EKS_STORAGE_CLASS = "gp3-encrypted";

/**
 * TLS on network load balancers when the stack names an ACM certificate: the in-tree AWS load
 * balancer code gives each port in ssl-ports a TLS listener with the certificate and the
 * negotiation policy, and forwards plain TCP to the pods (kubernetes/cloud-provider-aws
 * pkg/providers/v1/aws.go, EnsureLoadBalancer for NLB). The policy is ELB's TLS 1.3/1.2 one
 * (ELB NLB guide, "Security policies for your Network Load Balancer").
 */
const NLB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const nlbTlsAnnotations = (certificateArn: string) => (ports: readonly PortSpec[]): Record<string, string> => ({
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": certificateArn,
    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": ports.map((p) => String(p.port)).join(","),
    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": NLB_TLS_POLICY,
});

export class EksTarget implements Materializer {
    private readonly kubernetes: KubernetesTarget;
    private readonly managed?: ManagedServices;
    private readonly external = new Map<string, ExternalPeer>();
    /** Managed S3 buckets by service name: their consumers' roles may use them. */
    private readonly buckets = new Map<string, pulumi.Output<string>>();
    /** Each workload's IAM role (IRSA), made once, or null when it needs none. */
    private readonly identities = new Map<string, aws.iam.Role | null>();
    private readonly endpoints: Endpoints;
    private readonly eks: Eks;
    private readonly sealKey?: aws.kms.Key;
    private readonly region: pulumi.Output<string>;
    private readonly vpcCidr: string;
    private readonly namespace: string;
    private readonly opts: pulumi.ComponentResourceOptions;

    constructor(spec: PlatformSpec, parent: pulumi.Resource, ports: (service: string) => readonly number[]) {
        const settings = spec.aws!;
        this.vpcCidr = settings.vpcCidr;
        this.namespace = spec.kubernetes!.namespace;
        const name = stackName(spec);
        // Every AWS resource of the target carries the stack's tags (targets/identity.ts).
        const opts = (this.opts = { parent, transformations: [tagWithIdentity(spec)] });
        const account = awsAccount(opts);
        this.region = account.region;
        const network = createNetwork(name, settings, name, account, opts);
        const eks = (this.eks = createEks(name, settings, network, account, opts));
        this.sealKey = vaultKey(spec, name, opts);
        const clients = eks.cluster.vpcConfig.clusterSecurityGroupId;
        if (settings.managedServices) this.managed = new ManagedServices(name, spec.size, settings, network, clients, account, opts);
        // STS for every role a pod assumes (Vault's, S3 consumers'), KMS for Vault's seal.
        const s3Consumers = settings.managedServices && spec.services.some((s) => s.type === "minio" && spec.services.some((c) => c.uses.includes(s.name)));
        const apis: ApiEndpoint[] = [...(this.sealKey || s3Consumers ? (["sts"] as const) : []), ...(this.sealKey ? (["kms"] as const) : [])];
        this.endpoints = createEndpoints(name, network, this.region, clients, apis, opts);
        // Workloads start once the CNI enforces their NetworkPolicies and the endpoints answer.
        const provider = new k8s.Provider(
            "eks",
            { kubeconfig: eks.kubeconfig, enableServerSideApply: true },
            { parent, dependsOn: [eks.nodeGroup, eks.vpcCni, ...this.endpoints.apis.values()] },
        );
        // From EKS 1.30 on no StorageClass is the default (aws/containers-roadmap#1330; EKS
        // docs, Kubernetes 1.30), so claims that name none would stay Pending and every
        // StatefulSet would time out. Unless the stack names a class, Slipway makes an encrypted
        // gp3 class for the EBS CSI driver, marks it default, and its volumes use it.
        const storageClass = spec.kubernetes!.storageClass
            ? undefined
            : new k8s.storage.v1.StorageClass(
                  "gp3",
                  {
                      metadata: { name: EKS_STORAGE_CLASS, labels: identityLabels(spec), annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
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
            loadBalancerTls: settings.certificateArn ? nlbTlsAnnotations(settings.certificateArn) : undefined,
            external: this.external,
            storageClass: storageClass ? { name: EKS_STORAGE_CLASS, resource: storageClass } : undefined,
            serviceAccount: (w) => {
                const role = this.identity(w);
                // The webhook then tells the SDKs to use STS's regional name, which the STS
                // endpoint answers in the VPC (aws/amazon-eks-pod-identity-webhook README,
                // eks.amazonaws.com/sts-regional-endpoints).
                return role ? { "eks.amazonaws.com/role-arn": role.arn, "eks.amazonaws.com/sts-regional-endpoints": "true" } : undefined;
            },
            cloudEgress: (w) => (this.identity(w) ? [this.endpoints.apiPeer] : []),
        });
    }

    /**
     * The IAM role a workload's service account assumes, when it needs AWS: Vault may use its
     * seal key, and a service that `uses` a managed S3 bucket may use that bucket, through the
     * VPC's gateway endpoint. Vault's role keeps its name, `<service>-kms`.
     */
    private identity(w: Workload): aws.iam.Role | undefined {
        if (!this.identities.has(w.name)) {
            const sealKey = w.type === "vault" ? this.sealKey : undefined;
            // The buckets it uses, as the STS endpoint is decided: a service that only reaches
            // another (Consul checks every peer's health, a gateway routes to it) gets no access.
            const buckets = w.dependsOn.map((d) => d.name).filter((n) => this.buckets.has(n)).map((n) => this.buckets.get(n)!);
            const kinds = [...(sealKey ? ["kms"] : []), ...(buckets.length ? ["s3"] : [])];
            const policy = pulumi.all([pulumi.output(sealKey?.arn), this.endpoints.s3.id, pulumi.all(buckets)]).apply(([keyArn, vpce, arns]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [...(keyArn ? [kmsSealStatement(keyArn)] : []), ...arns.flatMap((arn) => bucketStatements(arn, vpce))],
                }),
            );
            this.identities.set(w.name, kinds.length ? serviceAccountRole(`${w.name}-${kinds.join("-")}`, this.eks, this.namespace, w.name, policy, this.opts) : null);
        }
        return this.identities.get(w.name) ?? undefined;
    }

    public manages(spec: ServiceSpec): ManagedAs | undefined {
        return this.managed?.takes(spec);
    }

    public provision(svc: Service): Provisioned | undefined {
        const managed = this.managed?.provision(svc.spec, svc.credentials, svc);
        if (!managed) return undefined;
        // RDS and ElastiCache sit in the VPC's private subnets; S3 is reached through the gateway
        // endpoint, at the addresses of its prefix list.
        this.external.set(svc.name, managed.bucketArn ? this.endpoints.s3Peer : { cidrs: [this.vpcCidr], port: managed.port });
        if (managed.bucketArn) this.buckets.set(svc.name, managed.bucketArn);
        return { connection: managed.connection, deployed: { ready: managed.ready, endpoint: managed.endpoint } };
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        return this.kubernetes.deploy(w, parent, after);
    }

    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        return this.kubernetes.runTask(t, parent, after);
    }

    /**
     * A managed service's consumers and tasks read its credentials from a Secret in the
     * namespace, as for any service; a managed service with none (S3) has no Secret.
     */
    public publishSecrets(w: Workload, parent: pulumi.ComponentResource): pulumi.Resource | undefined {
        return this.kubernetes.secretStore(w.name, w.type, w.ownSecrets, parent);
    }

    public environment() {
        return sealEnvironment(this.sealKey, this.region);
    }

    public outputs(): Record<string, pulumi.Input<unknown>> {
        return { ...this.kubernetes.outputs(), cluster: this.eks.cluster.name, kubeconfig: this.eks.kubeconfig };
    }
}
