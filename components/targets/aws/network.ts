// The VPC every AWS target runs in: a public and a private subnet in each availability zone,
// an internet gateway for the public ones, NAT for the private ones' way out. Load balancers
// (and the ec2 host) live in public subnets; nodes and data stores in private ones. Every
// connection is recorded in flow logs, and the default security group has no rules.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings } from "../../model";
import { AwsAccount } from "./account";
import { flowLogs, lockDefaultSecurityGroup } from "./flow-logs";

export interface Network {
    readonly vpc: aws.ec2.Vpc;
    readonly publicSubnets: aws.ec2.Subnet[];
    readonly privateSubnets: aws.ec2.Subnet[];
    /** The private subnets' address ranges, where nodes, data stores and interface endpoints live. */
    readonly privateCidrs: string[];
    /** The private subnets' route tables: a gateway endpoint routes S3 through them. */
    readonly privateRouteTables: aws.ec2.RouteTable[];
}

/** The `index`-th subnet of `newBits` more bits in an IPv4 CIDR: subnetCidr("10.0.0.0/16", 4, 1) = "10.0.16.0/20". */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
    const [base, bits] = cidr.split("/");
    const prefix = Number(bits) + newBits;
    if (index >= 2 ** newBits) throw new Error(`${cidr} has no subnet ${index} of /${prefix}`);
    const start = base.split(".").reduce((n, o) => n * 256 + Number(o), 0) + index * 2 ** (32 - prefix);
    return `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".")}/${prefix}`;
}

export function createNetwork(name: string, settings: AwsSettings, clusterName: string | undefined, account: AwsAccount, opts: pulumi.ComponentResourceOptions): Network {
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, opts);
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: settings.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } }, opts);
    const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id, tags: { Name: name } }, opts);
    // Tags by which EKS places internet-facing and internal load balancers.
    const clusterTag: Record<string, string> = clusterName ? { [`kubernetes.io/cluster/${clusterName}`]: "shared" } : {};

    const publicRoutes = new aws.ec2.RouteTable("public", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public` } }, opts);
    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    const privateCidrs: string[] = [];
    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const nats: aws.ec2.NatGateway[] = [];
    for (let i = 0; i < settings.azCount; i++) {
        const az = zones.names[i];
        const pub = new aws.ec2.Subnet(
            `public-${i}`,
            {
                vpcId: vpc.id,
                availabilityZone: az,
                cidrBlock: subnetCidr(settings.vpcCidr, 4, i),
                mapPublicIpOnLaunch: false,
                tags: { ...clusterTag, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" },
            },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`public-${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id }, opts);
        publicSubnets.push(pub);
        // One NAT gateway per zone survives the loss of a zone; a single one costs less.
        if (settings.multiAz || i === 0) {
            const eip = new aws.ec2.Eip(`nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, opts);
            nats.push(new aws.ec2.NatGateway(`nat-${i}`, { subnetId: pub.id, allocationId: eip.id, tags: { Name: `${name}-${i}` } }, { ...opts, dependsOn: [igw] }));
        }
        privateCidrs.push(subnetCidr(settings.vpcCidr, 4, 8 + i));
        const priv = new aws.ec2.Subnet(
            `private-${i}`,
            {
                vpcId: vpc.id,
                availabilityZone: az,
                cidrBlock: privateCidrs[i],
                tags: { ...clusterTag, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" },
            },
            opts,
        );
        const routes = new aws.ec2.RouteTable(
            `private-${i}`,
            { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id }], tags: { Name: `${name}-private-${i}` } },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`private-${i}`, { subnetId: priv.id, routeTableId: routes.id }, opts);
        privateSubnets.push(priv);
        privateRouteTables.push(routes);
    }
    flowLogs(name, vpc, account, opts);
    lockDefaultSecurityGroup(name, vpc, opts);
    return { vpc, publicSubnets, privateSubnets, privateCidrs, privateRouteTables };
}
