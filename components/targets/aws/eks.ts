// The EKS cluster: its roles, a KMS key for Kubernetes secrets (rotation on), every control-plane
// log, an API endpoint reachable only from the admin CIDRs, and a managed node group in the
// private subnets whose launch template requires IMDSv2 and encrypts its volumes. The VPC CNI
// enforces the namespace's NetworkPolicies.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings } from "../../model";
import { AwsAccount } from "./account";
import { LOG_RETENTION_DAYS } from "./flow-logs";
import { Network } from "./network";

export interface Eks {
    readonly cluster: aws.eks.Cluster;
    readonly nodeGroup: aws.eks.NodeGroup;
    /** For IAM roles for service accounts (IRSA). */
    readonly oidc: aws.iam.OpenIdConnectProvider;
    /** A kubeconfig that authenticates with `aws eks get-token`; a Pulumi secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** The EBS CSI driver add-on, which provisions the data volumes. */
    readonly ebsCsi: aws.eks.Addon;
    /** The VPC CNI add-on, with NetworkPolicy enforcement on; workloads come after it. */
    readonly vpcCni: aws.eks.Addon;
}

export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const assumeRole = (service: string) => JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

const managedPolicy = (partition: pulumi.Output<string>, name: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;

export function createEks(
    name: string,
    settings: AwsSettings,
    network: Network,
    account: AwsAccount,
    opts: pulumi.ComponentResourceOptions,
): Eks {
    const { partition, region } = account;
    const protect = { ...opts, protect: settings.protectData };
    const secretsKey = new aws.kms.Key(
        "eks-secrets",
        { description: `${name}: EKS secrets envelope encryption`, enableKeyRotation: true, deletionWindowInDays: 30 },
        protect,
    );
    const clusterRole = new aws.iam.Role("eks-cluster", { assumeRolePolicy: assumeRole("eks.amazonaws.com") }, opts);
    const clusterPolicy = new aws.iam.RolePolicyAttachment("eks-cluster", { role: clusterRole.name, policyArn: managedPolicy(partition, "AmazonEKSClusterPolicy") }, opts);
    // Created first so the control-plane logs have a retention instead of living forever.
    const logs = new aws.cloudwatch.LogGroup("eks-logs", { name: `/aws/eks/${name}/cluster`, retentionInDays: LOG_RETENTION_DAYS }, opts);

    const cluster = new aws.eks.Cluster(
        "eks",
        {
            name,
            version: settings.kubernetesVersion,
            roleArn: clusterRole.arn,
            vpcConfig: {
                subnetIds: [...network.privateSubnets, ...network.publicSubnets].map((s) => s.id),
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: [...settings.adminCidrs],
            },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
            enabledClusterLogTypes: CONTROL_PLANE_LOGS,
            accessConfig: { authenticationMode: "API_AND_CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: true },
            deletionProtection: settings.protectData,
        },
        { ...protect, dependsOn: [clusterPolicy, logs] },
    );

    const nodeRole = new aws.iam.Role("eks-node", { assumeRolePolicy: assumeRole("ec2.amazonaws.com") }, opts);
    const nodePolicies = [
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonSSMManagedInstanceCore",
    ].map((p) => new aws.iam.RolePolicyAttachment(`eks-node-${p.split("/").pop()}`, { role: nodeRole.name, policyArn: managedPolicy(partition, p) }, opts));

    const launchTemplate = new aws.ec2.LaunchTemplate(
        "eks-node",
        {
            description: `${name}: EKS nodes`,
            // IMDSv2 only, and one hop: pods cannot reach the node's credentials.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50, volumeType: "gp3", deleteOnTermination: "true" } }],
            tagSpecifications: [{ resourceType: "instance", tags: { Name: `${name}-node` } }],
            updateDefaultVersion: true,
        },
        opts,
    );
    const nodeGroup = new aws.eks.NodeGroup(
        "eks-nodes",
        {
            clusterName: cluster.name,
            nodeRoleArn: nodeRole.arn,
            subnetIds: network.privateSubnets.map((s) => s.id),
            amiType: "AL2023_x86_64_STANDARD",
            instanceTypes: [settings.instanceType],
            scalingConfig: { desiredSize: settings.nodeCount, minSize: settings.nodeCount, maxSize: settings.nodeCount * 2 },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
        },
        { ...opts, dependsOn: nodePolicies },
    );
    const oidc = new aws.iam.OpenIdConnectProvider(
        "eks-oidc",
        { url: cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!), clientIdLists: ["sts.amazonaws.com"] },
        opts,
    );

    // Volumes for StatefulSets come from the EBS CSI driver. Its controller gets AWS credentials
    // of its own (IRSA): with the nodes' IMDS hop limit at 1, pods cannot reach the node role
    // (aws-ebs-csi-driver docs/install.md, "IMDS"), so without a role of its own it provisions nothing.
    const ebsRole = serviceAccountRole("ebs-csi", { oidc }, "kube-system", "ebs-csi-controller-sa", undefined, opts);
    new aws.iam.RolePolicyAttachment("ebs-csi", { role: ebsRole.name, policyArn: managedPolicy(partition, "service-role/AmazonEBSCSIDriverPolicy") }, opts);
    const ebsCsi = new aws.eks.Addon(
        "ebs-csi",
        { clusterName: cluster.name, addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: ebsRole.arn },
        { ...opts, dependsOn: [nodeGroup] },
    );

    // The VPC CNI enforces NetworkPolicy only when its add-on configuration says so; until then
    // policies are accepted and ignored (EKS User Guide, "Restrict Pod network traffic with
    // Kubernetes network policies": enableNetworkPolicy; amazon-vpc-cni-k8s network policy FAQ:
    // "network policies are not enabled by default"). EKS installs the CNI itself at cluster
    // creation; the managed add-on takes it over (resolveConflictsOnCreate OVERWRITE).
    const vpcCni = new aws.eks.Addon(
        "vpc-cni",
        {
            clusterName: cluster.name,
            addonName: "vpc-cni",
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
        },
        opts,
    );

    const kubeconfig = pulumi.secret(
        pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region]).apply(([clusterName, endpoint, ca, r]) =>
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
                contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
                "current-context": clusterName,
                users: [
                    {
                        name: clusterName,
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: ["eks", "get-token", "--cluster-name", clusterName, "--region", r],
                            },
                        },
                    },
                ],
            }),
        ),
    );
    return { cluster, nodeGroup, oidc, kubeconfig, ebsCsi, vpcCni };
}

/** An IAM role a Kubernetes service account assumes (IRSA), with an inline policy when one is given. */
export function serviceAccountRole(
    name: string,
    eks: Pick<Eks, "oidc">,
    namespace: string,
    serviceAccount: string,
    policy: pulumi.Input<string> | undefined,
    opts: pulumi.ComponentResourceOptions,
): aws.iam.Role {
    const issuer = eks.oidc.url.apply((u) => u.replace(/^https:\/\//, ""));
    const role = new aws.iam.Role(
        name,
        {
            assumeRolePolicy: pulumi.all([eks.oidc.arn, issuer]).apply(([arn, iss]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Federated: arn },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: { StringEquals: { [`${iss}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`, [`${iss}:aud`]: "sts.amazonaws.com" } },
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    if (policy !== undefined) new aws.iam.RolePolicy(name, { role: role.name, policy }, opts);
    return role;
}
