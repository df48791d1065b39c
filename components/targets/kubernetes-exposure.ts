// What the Kubernetes target lets in from outside the platform, and from its own services.
//
// - Inside: a service accepts connections from the pods that reach it (reachLabel), on every
//   port but an admin one; nothing of the platform is let into an admin port.
// - Outside: only a public service's client-facing ports are published (PortSpec.access), and
//   only to the operator:
//   - kind (nodePort): a NodePort Service on the node ports kind/cluster.yaml binds to
//     127.0.0.1, so only the operator's machine reaches them;
//   - loadBalancer: a LoadBalancer Service whose loadBalancerSourceRanges are
//     slipway:adminCidrs, with externalTrafficPolicy Local, which keeps the client's address
//     (Kubernetes docs, "Create an External Load Balancer: Preserving the client source IP"),
//     so that the network policy can admit those networks alone (ipBlock) as well;
//   - ingress: an Ingress for ingress-nginx (kubernetes/ingress-nginx), which admits
//     slipway:adminCidrs alone through its source-range annotation; the network policy lets in
//     the controller's pods, in the namespace its manifests install it to. The controller sees
//     client addresses only when its own Service keeps them (externalTrafficPolicy Local, as its
//     cloud manifests set, or the PROXY protocol); otherwise it refuses every client, which
//     fails closed. Another controller ignores the annotation, and its pods are not let in.
import { clientPorts, KubernetesSettings, PortSpec, Workload } from "../model";
import { reachablePorts } from "./ports";

/** Where ingress-nginx's manifests install its controller (deploy/static/provider/<cloud>/deploy.yaml). */
export const INGRESS_NGINX_NAMESPACE = "ingress-nginx";

/**
 * ingress-nginx admits only these client networks to an Ingress (internal/ingress/annotations/
 * ipallowlist/main.go: `allowlist-source-range`, with `whitelist-source-range` as its alias;
 * releases before v1.9 know only the latter, so Slipway sets that one).
 */
export const SOURCE_RANGE_ANNOTATION = "nginx.ingress.kubernetes.io/whitelist-source-range";

type Rule = Record<string, unknown>;

/** Ports as a NetworkPolicy names them. */
export const policyPorts = (ports: readonly PortSpec[]) => ports.map((p) => ({ protocol: (p.protocol ?? "tcp").toUpperCase(), port: p.port }));

/** The name of a public service's own Service, of type NodePort or LoadBalancer. */
export const publicServiceName = (service: string) => `${service}-public`;

/** The NetworkPolicy ingress rules of a workload: from the pods that reach it, and from the operator if it is public. */
export function ingressRules(w: Workload, settings: KubernetesSettings, adminCidrs: readonly string[], reachers: Rule): Rule[] {
    const inside = policyPorts(reachablePorts(w.ports));
    const rules: Rule[] = inside.length ? [{ from: [reachers], ports: inside }] : [];
    if (!w.public) return rules;
    const published = policyPorts(clientPorts(w.ports));
    switch (settings.exposure) {
        case "nodePort":
            // kind alone (validation): its node ports are bound to 127.0.0.1 on the operator's machine.
            rules.push({ ports: published });
            break;
        case "loadBalancer":
            // An empty `from` would admit every source: validation requires adminCidrs, and so does this.
            if (adminCidrs.length === 0) throw new Error(`${w.name}: a public service needs slipway:adminCidrs on target kubernetes`);
            rules.push({ from: adminCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: published });
            break;
        case "ingress":
            rules.push({
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NGINX_NAMESPACE } } }],
                ports: policyPorts(clientPorts(w.ports).filter((p) => p.port === w.connection.port)),
            });
            break;
    }
    return rules;
}

/** The Service that publishes a public workload's client-facing ports, unless an Ingress does. */
export function publicServiceSpec(
    w: Workload,
    settings: KubernetesSettings,
    selector: Record<string, string>,
    nodePorts: Readonly<Record<number, number>> | undefined,
    adminCidrs: readonly string[],
): Record<string, unknown> | undefined {
    if (!w.public || settings.exposure === "ingress") return undefined;
    const ports = clientPorts(w.ports).map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: (p.protocol ?? "tcp").toUpperCase() }));
    if (settings.exposure === "nodePort") {
        return { type: "NodePort", selector, ports: ports.map((p) => ({ ...p, nodePort: nodePorts?.[p.port] })) };
    }
    return { type: "LoadBalancer", selector, ports, loadBalancerSourceRanges: [...adminCidrs], externalTrafficPolicy: "Local" };
}

/** An Ingress's annotations: ingress-nginx admits the admin networks alone. */
export function ingressAnnotations(adminCidrs: readonly string[]): Record<string, string> {
    if (adminCidrs.length === 0) throw new Error("an Ingress needs slipway:adminCidrs");
    return { [SOURCE_RANGE_ANNOTATION]: adminCidrs.join(",") };
}
