// The platform: every service of the stack, built in dependency order on one target.
import * as pulumi from "@pulumi/pulumi";
import { Connection, PlatformSpec } from "./model";
import { Deployed, Service } from "./service";
import { materializerFor } from "./targets";

/** One entry of the `credentials` output (SPEC "Stack outputs"). */
export interface ServiceCredentials {
    username?: string;
    password?: string;
    token?: string;
    url?: string;
    /** Generated values of the service's `secrets:` list, by variable name. */
    secrets?: Record<string, string>;
    /** Credentials generated for each consumer that has its own (a Vault token, an app's database login). */
    consumers?: Record<string, ServiceCredentials>;
}

/** The credentials a connection carries, as the output shows them. */
function credentialsOf(c: Connection): pulumi.Output<ServiceCredentials> {
    return pulumi.all([c.username, c.password, c.token, c.url]).apply(([username, password, token, url]) => ({
        ...(username !== undefined && (password !== undefined || token !== undefined) ? { username } : {}),
        ...(password !== undefined ? { password, url } : {}),
        ...(token !== undefined ? { token } : {}),
    }));
}

export class Platform extends pulumi.ComponentResource {
    public readonly services: ReadonlyMap<string, Service>;
    /** Service name -> URL: operator-reachable for public services, in-platform otherwise. */
    public readonly endpoints: pulumi.Output<Record<string, string>>;
    /** Service name -> generated credentials; a Pulumi secret. */
    public readonly credentials: pulumi.Output<Record<string, ServiceCredentials>>;
    /** Outputs the target adds: the namespace on Kubernetes, a kubeconfig on EKS. */
    public readonly targetOutputs: Record<string, pulumi.Input<unknown>>;

    constructor(spec: PlatformSpec, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:platform:Platform", spec.stack, {}, opts);
        const target = materializerFor(spec, this);

        const environment = target.environment?.() ?? {};
        // The target says once which services a managed equivalent runs: their credentials and
        // their provisioning both follow from it.
        const managedAs = new Map(spec.services.map((s) => [s.name, target.manages?.(s)]));
        const services = new Map(spec.services.map((s) => [s.name, new Service(s, spec, environment, { parent: this }, managedAs.get(s.name))]));
        // Managed equivalents first: their consumers must see their connection settings.
        const deployed = new Map<string, Deployed>();
        for (const svc of services.values()) {
            if (!managedAs.get(svc.name)) continue;
            const managed = target.provision?.(svc);
            if (!managed) throw new Error(`target ${spec.target} manages ${svc.name} but provisioned nothing for it`);
            deployed.set(svc.name, svc.adopt(managed));
        }
        const peers = new Map([...services].map(([name, svc]) => [name, svc.peer()]));
        const workloads = new Map(spec.services.map((s) => [s.name, services.get(s.name)!.describe(peers)]));
        target.prepare?.(spec.services.filter((s) => !deployed.has(s.name)).map((s) => ({ workload: workloads.get(s.name)!, parent: services.get(s.name)! })));
        for (const s of spec.services) {
            const svc = services.get(s.name)!;
            const workload = workloads.get(s.name)!;
            const managed = deployed.get(s.name);
            const after = s.uses.flatMap((used) => deployed.get(used)!.ready);
            const running = managed ?? svc.deploy(workload, target, after);
            const store = managed ? target.publishSecrets?.(workload, svc) : undefined;
            // Bootstrap jobs run once the service is up; its consumers wait for them too.
            const ready = [...running.ready, ...(store ? [store] : [])];
            const tasks = workload.tasks.map((t) => target.runTask(t, svc, ready));
            deployed.set(s.name, { ...running, ready: [...ready, ...tasks] });
        }
        this.services = services;

        this.endpoints = pulumi.all(Object.fromEntries(spec.services.map((s) => [s.name, deployed.get(s.name)!.endpoint])));
        const creds: Record<string, pulumi.Output<ServiceCredentials>> = {};
        for (const [name, svc] of services) {
            const c = svc.connection;
            const secrets = svc.credentials.secrets;
            const consumers = Object.fromEntries(svc.consumers().map((consumer) => [consumer, credentialsOf(svc.connectionFor(consumer).connection)]));
            if (c.password === undefined && c.token === undefined && Object.keys(secrets).length === 0) continue;
            creds[name] = pulumi.all([credentialsOf(c), pulumi.all(secrets), pulumi.all(consumers)]).apply(([own, s, perConsumer]) => ({
                ...own,
                ...(Object.keys(s).length > 0 ? { secrets: s } : {}),
                ...(Object.keys(perConsumer).length > 0 ? { consumers: perConsumer } : {}),
            }));
        }
        this.credentials = pulumi.secret(pulumi.all(creds));
        this.targetOutputs = target.outputs?.() ?? {};
        this.registerOutputs({ endpoints: this.endpoints, credentials: this.credentials, ...this.targetOutputs });
    }
}
