// The ports of every service of a platform, as the targets see them: what each listens on, and
// which of those may ever be published (PortSpec.access).
import { CATALOG } from "../catalog";
import { clientPorts, PlatformSpec, PortSpec } from "../model";

/** The container ports of a service: the app's own, or its catalog type's, each with who it is for. */
export function portSpecs(spec: PlatformSpec): (service: string) => readonly PortSpec[] {
    const byName = new Map(spec.services.map((s) => [s.name, s]));
    return (name) => {
        const s = byName.get(name);
        if (!s) return [];
        return s.type === "app" ? [{ name: "http", port: s.port!, access: "client" }] : CATALOG[s.type].ports;
    };
}

/** The client-facing ports of a service: the only ones a target ever publishes. */
export function publishedPorts(spec: PlatformSpec): (service: string) => number[] {
    const specs = portSpecs(spec);
    return (name) => clientPorts(specs(name)).map((p) => p.port);
}

/** The ports the platform's own services may connect to: every port but an admin one. */
export const reachablePorts = (ports: readonly PortSpec[]): PortSpec[] => ports.filter((p) => p.access !== "admin");
