// The Kubernetes materializer, for kind, any kubeconfig context, and EKS: workloads become
// Deployments (or StatefulSets where they keep data), Services, Secrets and ConfigMaps in one
// namespace per stack that enforces the `restricted` Pod Security Standard.
//
// - Credentials: one Secret per service that owns any; every credential a container receives
//   is a secretKeyRef into the owning service's Secret, never a literal value.
// - Order: a workload that uses others has an init container that waits until each of their
//   Services answers (a Service only routes to ready pods), so a first deploy has no crash loops.
// - Network: default deny in and out; DNS allowed; each pod may open connections only to the
//   services it reaches (its `uses`, Prometheus' scrape targets, nginx's routes), on their ports,
//   and accepts connections on its own ports only from those that reach it; a public service's
//   client-facing ports are published to the operator alone (kubernetes-exposure.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clientPorts, KubernetesSettings, PlatformSpec, PortSpec, Task, Workload } from "../model";
import { Deployed, Materializer } from "../service";
import { identityLabels } from "./identity";
import { ingressAnnotations, ingressRules, policyPorts, publicServiceName, publicServiceSpec } from "./kubernetes-exposure";
import { configMapName, fileKey, jobSpec, reachLabel, secretName, workloadPod } from "./kubernetes-pods";
import { portSpecs, reachablePorts } from "./ports";

/** Node ports that kind/cluster.yaml maps to 127.0.0.1 on the operator's machine. */
export const KIND_NODE_PORTS = { first: 30000, count: 20 } as const;

/** Node ports of public services on kind, by service and published container port, in declaration order. */
export function kindNodePorts(spec: PlatformSpec, ports: (service: string) => readonly number[]): Record<string, Record<number, number>> {
    const out: Record<string, Record<number, number>> = {};
    let next: number = KIND_NODE_PORTS.first;
    for (const s of spec.services.filter((x) => x.public)) {
        out[s.name] = {};
        for (const p of ports(s.name)) out[s.name][p] = next++;
    }
    return out;
}

/** Somewhere outside the cluster that pods may connect to: address ranges (an ipBlock each) and a port. */
export interface ExternalPeer {
    readonly cidrs: pulumi.Input<readonly string[]>;
    readonly port: number;
}

/** Options for clusters that others build (EKS): their provider, and what lives outside the cluster. */
export interface KubernetesOptions {
    readonly provider?: k8s.Provider;
    /** Annotations of LoadBalancer Services (which load balancer, in which subnets). */
    readonly loadBalancerAnnotations?: Record<string, string>;
    /** Services run outside the cluster (managed equivalents): where their consumers may connect. */
    readonly external?: ReadonlyMap<string, ExternalPeer>;
    /** Annotations of a service account of its own for a workload that needs a cloud identity. */
    readonly serviceAccount?: (w: Workload) => Record<string, pulumi.Input<string>> | undefined;
    /** Where a workload may connect beyond its services: the cloud's APIs its identity calls. */
    readonly cloudEgress?: (w: Workload) => readonly ExternalPeer[];
    /**
     * Annotations that make a LoadBalancer Service of an HTTP service terminate TLS on these
     * ports (an ACM certificate on EKS). Unset: load balancers serve plain HTTP.
     */
    readonly loadBalancerTls?: (ports: readonly PortSpec[]) => Record<string, string>;
    /** The StorageClass of data volumes when the stack names none (EKS makes its own); they wait for it. */
    readonly storageClass?: { readonly name: string; readonly resource: pulumi.Resource };
}

export class KubernetesTarget implements Materializer {
    public readonly provider: k8s.Provider;
    public readonly namespace: k8s.core.v1.Namespace;
    private readonly settings: KubernetesSettings;
    private readonly nodePorts: Record<string, Record<number, number>>;
    private readonly loadBalancerAnnotations: Record<string, string>;
    /** The networks a public service admits (load balancer, Ingress, network policy). */
    private readonly adminCidrs: readonly string[];
    private readonly ports: (service: string) => readonly PortSpec[];
    private readonly external: ReadonlyMap<string, ExternalPeer>;
    private readonly serviceAccount: (w: Workload) => Record<string, pulumi.Input<string>> | undefined;
    private readonly cloudEgress: (w: Workload) => readonly ExternalPeer[];
    private readonly loadBalancerTls?: (ports: readonly PortSpec[]) => Record<string, string>;
    private readonly storageClass?: { readonly name: string; readonly resource: pulumi.Resource };

    constructor(
        private readonly spec: PlatformSpec,
        parent: pulumi.Resource,
        /** A service's client-facing ports, the ones it publishes when public (targets/ports.ts publishedPorts). */
        published: (service: string) => readonly number[],
        opts: KubernetesOptions = {},
    ) {
        this.settings = spec.kubernetes!;
        this.loadBalancerAnnotations = opts.loadBalancerAnnotations ?? {};
        this.adminCidrs = this.settings.adminCidrs;
        this.ports = portSpecs(spec);
        this.external = opts.external ?? new Map();
        this.serviceAccount = opts.serviceAccount ?? (() => undefined);
        this.cloudEgress = opts.cloudEgress ?? (() => []);
        this.loadBalancerTls = opts.loadBalancerTls;
        this.storageClass = opts.storageClass;
        this.provider = opts.provider ?? new k8s.Provider("kubernetes", { context: this.settings.context, enableServerSideApply: true }, { parent });
        this.nodePorts = spec.target === "kind" ? kindNodePorts(spec, published) : {};
        const o = { parent, provider: this.provider };
        const ns = this.settings.namespace;
        this.namespace = new k8s.core.v1.Namespace(
            "namespace",
            {
                metadata: {
                    name: ns,
                    labels: {
                        ...this.identity(),
                        "app.kubernetes.io/part-of": "slipway",
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": "latest",
                        "pod-security.kubernetes.io/audit": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            },
            o,
        );
        const inNs = { ...o, dependsOn: [this.namespace] };
        new k8s.networking.v1.NetworkPolicy(
            "default-deny",
            { metadata: { name: "default-deny", namespace: ns, labels: this.identity() }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
            inNs,
        );
        new k8s.networking.v1.NetworkPolicy(
            "allow-dns",
            {
                metadata: { name: "allow-dns", namespace: ns, labels: this.identity() },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [
                                {
                                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                                },
                            ],
                            ports: [
                                { protocol: "UDP", port: 53 },
                                { protocol: "TCP", port: 53 },
                            ],
                        },
                    ],
                },
            },
            inNs,
        );
    }

    /**
     * The Secret that holds the credentials a service owns, where its consumers' secretKeyRefs
     * point; none for a service that owns none. Made by deploy, or directly for a service that
     * runs outside the cluster.
     */
    public secretStore(service: string, type: string, data: Record<string, pulumi.Input<string>>, parent: pulumi.Resource): k8s.core.v1.Secret | undefined {
        if (Object.keys(data).length === 0) return undefined;
        const labels = this.labels(service, { "app.kubernetes.io/managed-by": "pulumi", "slipway.dev/type": type });
        return new k8s.core.v1.Secret(
            `${service}-credentials`,
            { metadata: { name: secretName(service), namespace: this.settings.namespace, labels }, type: "Opaque", stringData: pulumi.secret(pulumi.all(data)) },
            { parent, provider: this.provider, dependsOn: [this.namespace] },
        );
    }

    public outputs(): Record<string, pulumi.Input<unknown>> {
        return { namespace: this.namespace.metadata.name };
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        const ns = this.settings.namespace;
        const o: pulumi.CustomResourceOptions = { parent, provider: this.provider, dependsOn: [this.namespace] };
        const selector = this.selector(w.name);
        const labels = this.labels(w.name, { "app.kubernetes.io/managed-by": "pulumi", "slipway.dev/type": w.type });

        // Credentials this service owns, and its secret files.
        const secretFiles = w.files.filter((f) => f.secret);
        const plainFiles = w.files.filter((f) => !f.secret);
        const secretData: Record<string, pulumi.Input<string>> = { ...w.ownSecrets };
        for (const f of secretFiles) secretData[fileKey(f.path)] = f.content;
        const secret = this.secretStore(w.name, w.type, secretData, parent);
        const configMap = plainFiles.length
            ? new k8s.core.v1.ConfigMap(
                  `${w.name}-files`,
                  { metadata: { name: configMapName(w.name), namespace: ns, labels }, data: Object.fromEntries(plainFiles.map((f) => [fileKey(f.path), f.content])) },
                  o,
              )
            : undefined;

        // A cloud identity (IRSA) comes with a service account of the workload's own.
        const accountAnnotations = this.serviceAccount(w);
        const account = accountAnnotations
            ? new k8s.core.v1.ServiceAccount(`${w.name}-account`, { metadata: { name: w.name, namespace: ns, labels, annotations: accountAnnotations } }, o)
            : undefined;

        const template = workloadPod(w, labels, {
            waitFor: w.dependsOn.filter((d) => !this.external.has(d.name)),
            serviceAccount: account ? w.name : undefined,
        });
        const workloadOpts: pulumi.CustomResourceOptions = {
            ...o,
            dependsOn: [
                this.namespace,
                ...after,
                ...[secret, configMap, account, w.volumes.length > 0 && !this.settings.storageClass ? this.storageClass?.resource : undefined].flatMap((r) => (r ? [r] : [])),
            ],
        };
        const metadata = { name: w.name, namespace: ns, labels };
        const workload =
            w.volumes.length > 0
                ? new k8s.apps.v1.StatefulSet(
                      w.name,
                      {
                          metadata,
                          spec: {
                              serviceName: w.name,
                              replicas: w.replicas,
                              selector: { matchLabels: selector },
                              template,
                              volumeClaimTemplates: w.volumes.map((v) => ({
                                  metadata: { name: v.name, labels: selector },
                                  spec: {
                                      accessModes: ["ReadWriteOnce"],
                                      storageClassName: this.settings.storageClass ?? this.storageClass?.name,
                                      resources: { requests: { storage: `${w.resources.storageGiB}Gi` } },
                                  },
                              })),
                          },
                      },
                      workloadOpts,
                  )
                : new k8s.apps.v1.Deployment(
                      w.name,
                      { metadata, spec: { replicas: w.replicas, selector: { matchLabels: selector }, template } },
                      workloadOpts,
                  );

        // In the platform, every port; to the operator, the client-facing ones alone.
        const service = new k8s.core.v1.Service(`${w.name}-service`, { metadata, spec: this.serviceSpec(w, selector) }, o);
        const publicSpec = publicServiceSpec(w, this.settings, selector, this.nodePorts[w.name], this.adminCidrs);
        // After the Service: on a stack made before there was a public Service, that one held the
        // node port or load balancer, and gives it up when it becomes a ClusterIP.
        const publicService = publicSpec
            ? new k8s.core.v1.Service(
                  `${w.name}-public`,
                  { metadata: { ...metadata, name: publicServiceName(w.name), annotations: this.serviceAnnotations(w) }, spec: publicSpec },
                  { ...o, dependsOn: [this.namespace, service] },
              )
            : undefined;

        this.networkPolicy(w, selector, o);
        if (w.replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${w.name}-pdb`,
                { metadata: { name: w.name, namespace: ns, labels }, spec: { minAvailable: 1, selector: { matchLabels: selector } } },
                o,
            );
        }
        let ingress: k8s.networking.v1.Ingress | undefined;
        if (w.public && this.settings.exposure === "ingress") {
            const host = `${w.name}.${this.settings.ingressDomain}`;
            // With an issuer, cert-manager's ingress-shim sees the annotation and the tls block,
            // and keeps a certificate for the host in the Secret the block names (cert-manager
            // docs, "Securing Ingress Resources"); the ingress controller then serves HTTPS.
            const issuer = this.settings.certIssuer;
            ingress = new k8s.networking.v1.Ingress(
                `${w.name}-ingress`,
                {
                    metadata: { ...metadata, annotations: { ...ingressAnnotations(this.adminCidrs), ...(issuer ? { "cert-manager.io/cluster-issuer": issuer } : {}) } },
                    spec: {
                        ingressClassName: this.settings.ingressClass,
                        tls: issuer ? [{ hosts: [host], secretName: `${w.name}-tls` }] : undefined,
                        rules: [
                            {
                                host,
                                http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: w.name, port: { number: w.connection.port } } } }] },
                            },
                        ],
                    },
                },
                o,
            );
        }
        return { ready: [workload, service], endpoint: this.endpoint(w, publicService, ingress) };
    }


    private serviceSpec(w: Workload, selector: Record<string, string>) {
        const ports = w.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: (p.protocol ?? "tcp").toUpperCase() }));
        return { type: "ClusterIP", selector, ports };
    }

    private serviceAnnotations(w: Workload): Record<string, string> | undefined {
        if (!w.public || this.settings.exposure !== "loadBalancer") return undefined;
        const annotations = { ...this.loadBalancerAnnotations, ...(this.servesTls(w) ? this.loadBalancerTls!(clientPorts(w.ports)) : {}) };
        return Object.keys(annotations).length ? annotations : undefined;
    }

    /** A public HTTP service behind a load balancer with a certificate, or an ingress with an issuer, serves HTTPS. */
    private servesTls(w: Workload): boolean {
        if (this.settings.exposure === "ingress") return this.settings.certIssuer !== undefined;
        return this.settings.exposure === "loadBalancer" && w.scheme === "http" && this.loadBalancerTls !== undefined;
    }

    private networkPolicy(w: Workload, selector: Record<string, string>, o: pulumi.CustomResourceOptions) {
        const ingress = ingressRules(w, this.settings, this.adminCidrs, { podSelector: { matchLabels: { [reachLabel(w.name)]: "true" } } });
        new k8s.networking.v1.NetworkPolicy(
            `${w.name}-network`,
            {
                metadata: { name: w.name, namespace: this.settings.namespace, labels: this.labels(w.name, {}) },
                spec: {
                    podSelector: { matchLabels: selector },
                    policyTypes: ["Ingress", "Egress"],
                    ingress,
                    egress: this.egress(w, this.cloudEgress(w)),
                },
            },
            o,
        );
    }

    /**
     * A bootstrap job: a Job whose pod meets the restricted profile like every other, may reach
     * only the service it bootstraps, and which the provider waits for until it completes
     * (kubernetes-pods.ts, jobSpec, says how a failure surfaces and when it runs again).
     */
    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        const ns = this.settings.namespace;
        const o: pulumi.CustomResourceOptions = { parent, provider: this.provider, dependsOn: [this.namespace, ...after] };
        const labels = this.labels(t.name, { "app.kubernetes.io/component": "bootstrap" });
        if (t.files.some((f) => f.secret)) throw new Error(`${t.name}: a bootstrap job's files are not secret; pass credentials as secretEnv`);
        const files = t.files.length
            ? new k8s.core.v1.ConfigMap(`${t.name}-files`, { metadata: { name: configMapName(t.name), namespace: ns, labels }, data: Object.fromEntries(t.files.map((f) => [fileKey(f.path), f.content])) }, o)
            : undefined;
        new k8s.networking.v1.NetworkPolicy(
            `${t.name}-network`,
            {
                metadata: { name: t.name, namespace: ns, labels },
                spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": t.name } }, policyTypes: ["Ingress", "Egress"], ingress: [], egress: this.egress(t) },
            },
            o,
        );
        return new k8s.batch.v1.Job(
            t.name,
            { metadata: { name: t.name, namespace: ns, labels, annotations: { "pulumi.com/replaceUnready": "true" } }, spec: jobSpec(t, labels, files !== undefined) },
            { ...o, dependsOn: [this.namespace, ...after, ...(files ? [files] : [])] },
        );
    }

    /** What selects the pods of one service (or job) of this stack. */
    private selector(name: string): Record<string, string> {
        return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": this.spec.stack };
    }

    /** The labels of the objects of one service (or job): its selector, Slipway's, and `extra`. */
    private labels(name: string, extra: Record<string, string>): Record<string, string> {
        return { ...this.selector(name), ...this.identity(), "app.kubernetes.io/part-of": "slipway", ...extra };
    }

    /** The stack's identity, on every object: what scripts/leftovers.sh looks for after a destroy. */
    private identity(): Record<string, string> {
        return identityLabels(this.spec);
    }

    /**
     * To the pods of the services it reaches, on their ports (never an admin one), to managed
     * equivalents outside the cluster on their port, and to what `cloud` adds (the APIs a
     * workload's cloud identity calls).
     */
    private egress(w: { readonly reaches: readonly string[] }, cloud: readonly ExternalPeer[] = []) {
        const inCluster = w.reaches.filter((n) => !this.external.has(n));
        // A rule without ports would admit every port: a peer with none reachable gets no rule.
        const rules: Record<string, unknown>[] = inCluster
            .map((n) => ({ to: [{ podSelector: { matchLabels: this.selector(n) } }], ports: policyPorts(reachablePorts(this.ports(n))) }))
            .filter((r) => r.ports.length > 0);
        for (const { cidrs, port } of [...w.reaches.filter((x) => this.external.has(x)).map((n) => this.external.get(n)!), ...cloud]) {
            // NetworkPolicy peers take CIDRs only, one ipBlock each (networking.k8s.io/v1 IPBlock).
            rules.push({ to: pulumi.output(cidrs).apply((list) => list.map((cidr) => ({ ipBlock: { cidr } }))), ports: [{ protocol: "TCP", port }] });
        }
        return rules;
    }

    private endpoint(w: Workload, service: k8s.core.v1.Service | undefined, ingress?: k8s.networking.v1.Ingress): pulumi.Output<string> {
        const port = w.connection.port;
        if (!w.public) return pulumi.output(`${w.scheme}://${w.name}:${port}`);
        switch (this.settings.exposure) {
            case "nodePort":
                return pulumi.output(`${w.scheme}://127.0.0.1:${this.nodePorts[w.name][port]}`);
            case "ingress":
                return pulumi.output(ingress!).apply(() => `${this.servesTls(w) ? "https" : "http"}://${w.name}.${this.settings.ingressDomain}`);
            case "loadBalancer": {
                const scheme = this.servesTls(w) ? "https" : w.scheme;
                return service!.status.apply((s) => {
                    const lb = s?.loadBalancer?.ingress?.[0];
                    const host = lb?.hostname ?? lb?.ip;
                    return host ? `${scheme}://${host}:${port}` : `${scheme}://<pending load balancer>:${port}`;
                });
            }
        }
    }
}
