// The test doubles of the providers and the engine, as strict as the real ones where the
// program could tell the difference. Each behaviour is the provider's own, cited where it is
// not obvious; a double that were kinder than the real thing would let a broken deploy pass.
import { UNKNOWN } from "./unknown";

/** A secret as the mock monitor receives and returns it. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"];
const PROVIDER_REGION = "us-east-1";
/** Zone states the AWS provider accepts (terraform-provider-aws data_source_availability_zones: ec2 AvailabilityZoneState values). */
const ZONE_STATES = ["available", "information", "impaired", "unavailable"];
const AMIS = [
    { id: "ami-0123456789abcdef0", name: "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64", architecture: "x86_64", ownerId: "137112412989" },
    { id: "ami-0fedcba9876543210", name: "al2023-ami-2023.6.20250101.0-kernel-6.1-arm64", architecture: "arm64", ownerId: "137112412989" },
];

const ACCOUNT = "123456789012";

/**
 * The AWS-managed prefix lists of S3 gateway endpoints, as DescribePrefixLists showed them
 * (AWS adds ranges over time; these are examples of the shape, not today's lists).
 */
const PREFIX_LISTS = [
    { id: "pl-63a5400a", name: "com.amazonaws.us-east-1.s3", cidrs: ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16", "18.34.0.0/19", "18.34.232.0/21"] },
    { id: "pl-7ba54012", name: "com.amazonaws.us-east-2.s3", cidrs: ["52.219.80.0/20", "3.5.128.0/22", "3.5.132.0/23", "52.219.96.0/20", "52.92.76.0/22"] },
    { id: "pl-02cd2c6b", name: "com.amazonaws.us-east-1.dynamodb", cidrs: ["3.218.180.0/22", "52.94.0.0/22", "52.119.224.0/20"] },
];

const only = (token: string, args: Record<string, unknown>, allowed: string[]) => {
    for (const k of Object.keys(args)) if (!allowed.includes(k)) throw new Error(`${token}: unsupported argument "${k}"`);
};

/** `*` and `?` as in EC2 filter values. */
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);

/**
 * Invokes the program may make, answered from their arguments as the cloud would, refusing
 * arguments the real provider refuses. Any other invoke fails the test.
 */
export const INVOKES: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (args) => {
        only("getAvailabilityZones", args, ["state", "region", "allAvailabilityZones", "excludeNames", "excludeZoneIds", "filters"]);
        if (args.state !== undefined && !ZONE_STATES.includes(args.state)) {
            throw new Error(`expected state to be one of ${JSON.stringify(ZONE_STATES)}, got ${args.state}`);
        }
        const region = args.region ?? PROVIDER_REGION;
        const letters = args.state === undefined || args.state === "available" ? ["a", "b", "c"] : [];
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `use1-az${i + 1}`),
            groupNames: [region],
            region,
            state: args.state,
        };
    },
    "aws:index/getRegion:getRegion": (args) => {
        only("getRegion", args, ["region", "endpoint", "name", "id"]);
        const region = args.region ?? args.name ?? PROVIDER_REGION;
        if (!REGIONS.includes(region)) throw new Error(`no matching regions found: ${region}`);
        return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: "a region" };
    },
    "aws:index/getPartition:getPartition": (args) => {
        only("getPartition", args, ["id"]);
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": (args) => {
        only("getCallerIdentity", args, ["id"]);
        return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: "AIDAEXAMPLE" };
    },
    // terraform-provider-aws ec2 vpc_prefix_list_data_source.go: DescribePrefixLists by id, by
    // name (the prefix-list-name filter) or both; no match is "no matching EC2 Prefix List found".
    "aws:ec2/getPrefixList:getPrefixList": (args) => {
        only("getPrefixList", args, ["prefixListId", "name", "filters", "region"]);
        if (args.filters !== undefined) throw new Error("getPrefixList: filters are not answered by this double");
        if (args.prefixListId === undefined && args.name === undefined) throw new Error("getPrefixList: the double answers by prefixListId or name");
        if (args.prefixListId !== undefined && !/^pl-[0-9a-f]{8,17}$/.test(args.prefixListId)) {
            throw new Error(`InvalidPrefixListId.Malformed: Invalid id: "${args.prefixListId}"`);
        }
        const found = PREFIX_LISTS.filter((l) => (args.prefixListId === undefined || l.id === args.prefixListId) && (args.name === undefined || l.name === args.name));
        if (found.length !== 1) throw new Error("no matching EC2 Prefix List found");
        return { id: found[0].id, prefixListId: found[0].id, name: found[0].name, cidrBlocks: found[0].cidrs, region: args.region ?? PROVIDER_REGION };
    },
    "aws:ec2/getAmi:getAmi": (args) => {
        only("getAmi", args, ["owners", "filters", "mostRecent", "nameRegex", "executableUsers", "includeDeprecated", "region"]);
        let found = AMIS;
        if (args.owners) found = found.filter((a) => (args.owners as string[]).some((o) => o === a.ownerId || o === "amazon"));
        for (const f of (args.filters ?? []) as { name: string; values: string[] }[]) {
            if (!f.name || !Array.isArray(f.values) || f.values.length === 0) throw new Error(`getAmi: a filter needs a name and values: ${JSON.stringify(f)}`);
            const field = f.name === "name" ? "name" : f.name === "architecture" ? "architecture" : undefined;
            if (!field) continue;
            found = found.filter((a) => f.values.some((v) => glob(v).test(a[field])));
        }
        // terraform-provider-aws ec2 data_source_ami.go: the messages of a search that is not specific.
        if (found.length === 0) throw new Error("Your query returned no results. Please change your search criteria and try again.");
        if (found.length > 1 && !args.mostRecent) {
            throw new Error("Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.");
        }
        return { ...found[0], imageId: found[0].id };
    },
};

/** What the cloud adds to a resource's state when it is created; in a preview all of it is unknown. */
export function createdState(type: string, name: string, inputs: Record<string, any>, secret: (value: string) => unknown): Record<string, unknown> {
    const arn = `arn:aws:${type.split(":")[1].split("/")[0]}:us-east-1:123456789012:${name}`;
    switch (type) {
        case "aws:eks/cluster:Cluster":
            return {
                arn,
                endpoint: "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com",
                certificateAuthority: { data: "LS0tLS1CRUdJTi1DQQ==" },
                identities: [{ oidcs: [{ issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF" }] }],
                vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-cluster", vpcId: "vpc-id" },
            };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { arn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF" };
        case "aws:rds/instance:Instance":
            return { arn, address: `${inputs.identifier}.abc123.us-east-1.rds.amazonaws.com`, endpoint: `${inputs.identifier}.abc123.us-east-1.rds.amazonaws.com:5432` };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return { arn, primaryEndpointAddress: `master.${inputs.replicationGroupId}.abc123.use1.cache.amazonaws.com` };
        case "aws:s3/bucket:Bucket":
            return { arn: `arn:aws:s3:::${inputs.bucketPrefix}0001`, bucket: `${inputs.bucketPrefix}0001` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${inputs.name}` };
        case "aws:ec2/vpcEndpoint:VpcEndpoint": {
            // A gateway endpoint routes through its service's prefix list; the service must exist.
            const list = inputs.vpcEndpointType === "Gateway" ? PREFIX_LISTS.find((l) => l.name === inputs.serviceName) : undefined;
            if (inputs.vpcEndpointType === "Gateway" && !list) throw new Error(`InvalidServiceName: The Vpc Endpoint Service '${inputs.serviceName}' does not exist`);
            return { arn, prefixListId: list?.id ?? "", cidrBlocks: list?.cidrs ?? [] };
        }
        case "aws:iam/accessKey:AccessKey":
            return { secret: secret(`awsSecretKey${name.replace(/[^A-Za-z0-9]/g, "")}`) };
        case "aws:kms/key:Key":
            return { arn, keyId: `key-${name}` };
        case "aws:ec2/eip:Eip":
            return { publicIp: "198.51.100.7" };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1 };
        // @pulumi/tls: every private key is a generated secret (the provider marks privateKeyPem
        // sensitive); certificates are public.
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: secret(`-----BEGIN PRIVATE KEY-----\nkey${name.replace(/[^A-Za-z0-9]/g, "")}\n-----END PRIVATE KEY-----\n`), publicKeyPem: `-----BEGIN PUBLIC KEY-----\npub${name}\n-----END PUBLIC KEY-----\n` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: `-----BEGIN CERTIFICATE-----\ncert${name.replace(/[^A-Za-z0-9]/g, "")}\n-----END CERTIFICATE-----\n` };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\ncsr${name}\n-----END CERTIFICATE REQUEST-----\n` };
        case "docker:index/remoteImage:RemoteImage":
            return { imageId: `sha256:${inputs.name}` };
        case "docker:index/container:Container":
            // Read records the exit code of a container that is not running (kreuzwerker v4.5.0
            // resource_docker_container_funcs.go, Read); a created, never-started task has 0.
            return { exitCode: 0 };
        case "kubernetes:core/v1:Service":
            return inputs.spec?.type === "LoadBalancer"
                ? { status: { loadBalancer: { ingress: [{ hostname: `${inputs.metadata.name}-0123.elb.us-east-1.amazonaws.com` }] } } }
                : {};
        default:
            return type.startsWith("aws:") ? { arn, ...(inputs.name === undefined ? { name } : {}) } : {};
    }
}

/** Every computed output of a resource, unknown, as a preview of its creation leaves it. */
export function previewState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const computed = createdState(type, name, inputs, () => UNKNOWN);
    const state: Record<string, unknown> = { ...inputs };
    for (const key of Object.keys(computed)) state[key] = UNKNOWN;
    if (type === "random:index/randomPassword:RandomPassword") state.result = UNKNOWN;
    if (type.startsWith("kubernetes:")) state.status = UNKNOWN;
    return state;
}

/**
 * The physical name a resource claims on its engine, where two resources may not share one:
 * Docker names its containers, volumes and networks uniquely per engine; Kubernetes names each
 * object uniquely per kind and namespace.
 */
export function physicalName(type: string, inputs: Record<string, any>): string | undefined {
    // A name a preview does not know yet (an unknown value) claims nothing.
    if (["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"].includes(type) && typeof inputs.name === "string") {
        return `${type} ${inputs.name}`;
    }
    if (type.startsWith("kubernetes:") && typeof inputs.metadata?.name === "string") return `${type} ${inputs.metadata.namespace ?? ""}/${inputs.metadata.name}`;
    return undefined;
}

/**
 * The real engine's URN: the whole chain of parent types, then the name
 * (pulumi/pulumi sdk/go/common/resource/urn.go NewURN; the mock monitor keeps only the last parent type).
 */
export class UrnBook {
    private readonly qualified = new Map<string, string>();
    private readonly seen = new Set<string>();

    constructor(private readonly stack: string, private readonly project: string) {}

    /** The engine's URN of a registration. */
    public urnOf(mockUrn: string, parentMockUrn: string, type: string, name: string): string {
        const parentQualified = parentMockUrn ? this.qualified.get(parentMockUrn) : undefined;
        const qualified = parentQualified ? `${parentQualified}$${type}` : type;
        this.qualified.set(mockUrn, qualified);
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    /** Records a registration; returns the engine's error for a second resource with one URN. */
    public register(mockUrn: string, parentMockUrn: string, type: string, name: string): string | undefined {
        const urn = this.urnOf(mockUrn, parentMockUrn, type, name);
        if (this.seen.has(urn)) return `Duplicate resource URN '${urn}'; try giving it a unique name`;
        this.seen.add(urn);
        return undefined;
    }
}
