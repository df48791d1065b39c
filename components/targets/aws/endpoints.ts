// VPC endpoints on eks, so pods reach the AWS APIs they need without a path to the internet:
// - S3 through a gateway endpoint on the private route tables. Its prefix list gives S3's
//   address ranges, which become the ipBlocks of S3 consumers' NetworkPolicy on 443 instead
//   of 0.0.0.0/0 (NetworkPolicy peers are CIDRs only: networking.k8s.io/v1 IPBlock).
// - STS (for IRSA's AssumeRoleWithWebIdentity) and KMS (Vault's seal) through interface
//   endpoints in the private subnets with private DNS, so their regional names resolve to
//   addresses in those subnets, which a NetworkPolicy can name (AWS PrivateLink guide,
//   "Access an AWS service using an interface VPC endpoint", private DNS).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ExternalPeer } from "../kubernetes";
import { Network } from "./network";

/** AWS APIs a workload's identity may call through an interface endpoint. */
export type ApiEndpoint = "sts" | "kms";

export interface Endpoints {
    readonly s3: aws.ec2.VpcEndpoint;
    /** S3 in this region: its address ranges (the gateway endpoint's prefix list), on 443. */
    readonly s3Peer: ExternalPeer;
    /** The interface endpoints (STS, KMS …): the private subnets they answer in, on 443. */
    readonly apiPeer: ExternalPeer;
    readonly apis: ReadonlyMap<ApiEndpoint, aws.ec2.VpcEndpoint>;
}

export function createEndpoints(
    name: string,
    network: Network,
    region: pulumi.Output<string>,
    /** The security group of the clients (the EKS cluster's): the only source let in. */
    clients: pulumi.Input<string>,
    apis: readonly ApiEndpoint[],
    opts: pulumi.ComponentResourceOptions,
): Endpoints {
    const vpcId = network.vpc.id;
    // The default policy (full access) stays: nodes pull ECR image layers from S3 through the
    // same route, from buckets that are not ours (ECR User Guide, "Amazon ECR interface VPC
    // endpoints": the S3 gateway endpoint and ECR's layer bucket).
    const s3 = new aws.ec2.VpcEndpoint(
        "s3",
        {
            vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: network.privateRouteTables.map((t) => t.id),
            tags: { Name: `${name}-s3` },
        },
        opts,
    );
    // terraform-provider-aws docs, data source aws_prefix_list: the endpoint's prefix_list_id.
    const list = aws.ec2.getPrefixListOutput({ prefixListId: s3.prefixListId }, opts);

    const endpoints = new Map<ApiEndpoint, aws.ec2.VpcEndpoint>();
    if (apis.length > 0) {
        const firewall = new aws.ec2.SecurityGroup(
            "aws-apis",
            {
                vpcId,
                description: `${name}: AWS API endpoints (${apis.join(", ")}), HTTPS from the cluster only`,
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [clients], description: "cluster nodes and pods" }],
                egress: [],
            },
            opts,
        );
        for (const api of apis) {
            endpoints.set(
                api,
                new aws.ec2.VpcEndpoint(
                    api,
                    {
                        vpcId,
                        serviceName: pulumi.interpolate`com.amazonaws.${region}.${api}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: network.privateSubnets.map((s) => s.id),
                        securityGroupIds: [firewall.id],
                        tags: { Name: `${name}-${api}` },
                    },
                    opts,
                ),
            );
        }
    }
    return {
        s3,
        s3Peer: { cidrs: list.cidrBlocks, port: 443 },
        apiPeer: { cidrs: network.privateCidrs, port: 443 },
        apis: endpoints,
    };
}
