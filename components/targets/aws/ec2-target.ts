// The ec2 target: a VPC and one host, then the Docker materializer on the host's engine over
// SSH. Vault auto-unseals with a KMS key of its own, with an access key for that key alone.
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Task, TargetEnvironment, Workload } from "../../model";
import { Deployed, Materializer, PreparedWorkload } from "../../service";
import { DockerTarget } from "../docker";
import { tagWithIdentity } from "../identity";
import { createHost, SSH_USER } from "./ec2";
import { awsAccount } from "./account";
import { createNetwork } from "./network";
import { sealEnvironment, vaultKey, vaultSealUser } from "./seal";

export class Ec2Target implements Materializer {
    private readonly docker: DockerTarget;
    private readonly sealKey?: aws.kms.Key;
    private readonly sealCredentials?: ReturnType<typeof vaultSealUser>;
    private readonly region: pulumi.Output<string>;
    private readonly address: pulumi.Output<string>;

    constructor(spec: PlatformSpec, parent: pulumi.Resource) {
        const settings = spec.aws!;
        const name = `${spec.project}-${spec.stack}`;
        // Every AWS resource of the target carries the stack's tags (targets/identity.ts).
        const opts = { parent, transformations: [tagWithIdentity(spec)] };
        const account = awsAccount(opts);
        this.region = account.region;
        const network = createNetwork(name, settings, undefined, account, opts);
        this.sealKey = vaultKey(spec, name, opts);
        const publicPorts = Object.values(spec.hostPorts).flatMap((ports) => Object.values(ports));
        const host = createHost(name, settings, network, publicPorts, account, opts);
        this.address = host.address;
        this.sealCredentials = this.sealKey ? vaultSealUser(name, this.sealKey, host.address, opts) : undefined;
        const dockerHost = pulumi.interpolate`ssh://${SSH_USER}@${host.address}`;
        const provider = new docker.Provider(
            "ec2-docker",
            { host: dockerHost, sshOpts: ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"] },
            { parent, dependsOn: [host.dockerReady] },
        );
        // One-shot containers run through the docker CLI over the same SSH connection; the host
        // key is known by then (host.dockerReady accepted it).
        this.docker = new DockerTarget(spec, parent, { provider, publicHost: host.address, after: [host.dockerReady], dockerHost });
    }

    public prepare(workloads: readonly PreparedWorkload[]): void {
        this.docker.prepare(workloads);
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        return this.docker.deploy(w, parent, after);
    }

    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        return this.docker.runTask(t, parent, after);
    }

    public environment(): TargetEnvironment {
        return sealEnvironment(this.sealKey, this.region, this.sealCredentials);
    }

    public outputs(): Record<string, pulumi.Input<unknown>> {
        return { host: this.address };
    }
}
