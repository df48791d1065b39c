// The ec2 host: one instance that runs Docker, for small environments. It sits in a public subnet
// behind a security group that lets in only the admin CIDRs (SSH, and the platform's public
// ports); IMDSv2 is required with one hop, so containers cannot take the host's role, and the
// root volume is encrypted. The Docker provider reaches its
// engine over SSH, so the Docker materializer deploys the very same containers onto it.
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings } from "../../model";
import { AwsAccount } from "./account";
import { Network } from "./network";

export interface Host {
    readonly instance: aws.ec2.Instance;
    /** The host's stable public address. */
    readonly address: pulumi.Output<string>;
    /** Ready once Docker answers over SSH. */
    readonly dockerReady: command.local.Command;
}

/** Amazon Linux 2023: install Docker and let the SSH user drive it. */
export const HOST_USER_DATA = `#!/bin/bash
set -euo pipefail
dnf install -y docker
systemctl enable --now docker
usermod -aG docker ec2-user
`;

export const SSH_USER = "ec2-user";

export function createHost(
    name: string,
    settings: AwsSettings,
    network: Network,
    /** Host ports the platform publishes: open to the admin CIDRs only. */
    publicPorts: readonly number[],
    account: AwsAccount,
    opts: pulumi.ComponentResourceOptions,
): Host {
    const fromAdmins = (port: number, description: string) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [...settings.adminCidrs], description });
    const firewall = new aws.ec2.SecurityGroup(
        "host",
        {
            vpcId: network.vpc.id,
            description: `${name}: SSH and public services, from the admin networks only`,
            ingress: [fromAdmins(22, "ssh"), ...[...new Set(publicPorts)].sort((a, b) => a - b).map((p) => fromAdmins(p, `platform port ${p}`))],
            // Images come from public registries.
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls and updates" }],
        },
        opts,
    );
    const role = new aws.iam.Role(
        "host",
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        opts,
    );
    new aws.iam.RolePolicyAttachment(
        "host-ssm",
        { role: role.name, policyArn: pulumi.interpolate`arn:${account.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` },
        opts,
    );
    const profile = new aws.iam.InstanceProfile("host", { role: role.name }, opts);
    const ami = aws.ec2.getAmiOutput(
        { mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }, { name: "architecture", values: ["x86_64"] }] },
        opts,
    );
    const instance = new aws.ec2.Instance(
        "host",
        {
            ami: ami.id,
            instanceType: settings.instanceType,
            subnetId: network.publicSubnets[0].id,
            vpcSecurityGroupIds: [firewall.id],
            keyName: settings.sshKeyName,
            iamInstanceProfile: profile.name,
            // IMDSv2 only, and one hop: a container on Docker's bridge is a hop further, so its
            // token request dies on the way and it cannot take the host's role (EC2 User Guide,
            // "Configure the instance metadata options": a hop limit of 1 keeps IMDSv2 tokens
            // from containers). Vault reaches its KMS key with credentials of its own (seal.ts).
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 50, deleteOnTermination: !settings.protectData },
            userData: HOST_USER_DATA,
            tags: { Name: name },
        },
        // A newer AMI must not replace the host (and its data) on the next update.
        { ...opts, protect: settings.protectData, ignoreChanges: ["ami"] },
    );
    const eip = new aws.ec2.Eip("host", { domain: "vpc", instance: instance.id, tags: { Name: name } }, opts);
    const dockerReady = new command.local.Command(
        "host-docker",
        {
            // Bounded: ten minutes for cloud-init to install Docker.
            create: `for i in $(seq 60); do ssh -o StrictHostKeyChecking=accept-new -o ConnectTimeout=5 -o BatchMode=yes ${SSH_USER}@"$HOST" docker info >/dev/null 2>&1 && exit 0; sleep 10; done; echo "Docker on $HOST did not answer over SSH" >&2; exit 1`,
            environment: { HOST: eip.publicIp },
        },
        opts,
    );
    return { instance, address: eip.publicIp, dockerReady };
}
