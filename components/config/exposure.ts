// Who can reach a service from outside the platform, decided before anything is created. A
// platform's `public` and `hostPort` usually come from what a team published on a laptop; on a
// cluster they would become load balancers, so what they may mean there is narrower:
// - a type that must never be public (docker-proxy) is refused on every target;
// - cluster targets (kind, kubernetes, eks) have no host ports: `hostPort` is refused there,
//   and a public service gets a node port (kind), or a load balancer or an Ingress open to
//   `slipway:adminCidrs` alone (kubernetes, eks);
// - a data store is public on a cluster only when the stack says so for that service
//   (`exposeOnCluster: true`);
// - on docker no host port is below 1024, which a rootless engine cannot bind.
import { KUBERNETES_TARGETS, ServiceSpec, TargetName } from "../model";
import { TypeInfo } from "./services";
import { Report } from "./util";

/** The first unprivileged port (Linux net.ipv4.ip_unprivileged_port_start defaults to 1024). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/** How a target without host ports publishes a public service, for messages. */
function clusterPublishing(target: TargetName): string {
    return target === "kind"
        ? "a node port from 30000 (kind/cluster.yaml maps 30000-30019 to 127.0.0.1)"
        : "a load balancer or an Ingress open to slipway:adminCidrs";
}

export function exposureProblems(
    services: readonly ServiceSpec[],
    types: Readonly<Record<string, TypeInfo>>,
    target: TargetName | undefined,
    problem: Report,
): void {
    const cluster = target !== undefined && KUBERNETES_TARGETS.includes(target);
    for (const svc of services) {
        const info = types[svc.type];
        const at = `services.${svc.name}`;
        const publicField = svc.hostPort !== undefined ? "hostPort" : "public";
        if (info?.neverPublic && svc.public) {
            problem(`${at}.${publicField}`, `type ${svc.type} is never public: ${info.neverPublic}`);
            continue;
        }
        if (!cluster) continue;
        if (svc.hostPort !== undefined) {
            problem(`${at}.hostPort`, `target ${target} has no host ports; a public service gets ${clusterPublishing(target!)}: set public: true instead`);
        }
        if (info?.dataStore && svc.public && svc.exposeOnCluster !== true) {
            problem(
                `${at}.${publicField}`,
                `${svc.type} is a data store, and on target ${target} a data store is public only when the stack says so for it: ` +
                    `set exposeOnCluster: true on this service to publish it on ${clusterPublishing(target!)}`,
            );
        }
    }
}

/** Host ports below 1024 on docker, whether the stack chose them or they follow a container port. */
export function privilegedHostPorts(
    services: readonly ServiceSpec[],
    hostPorts: Readonly<Record<string, Readonly<Record<number, number>>>>,
    target: TargetName | undefined,
    problem: Report,
): void {
    if (target !== "docker") return;
    for (const svc of services) {
        for (const [containerPort, hostPort] of Object.entries(hostPorts[svc.name] ?? {})) {
            if (hostPort >= FIRST_UNPRIVILEGED_PORT) continue;
            const why = `below ${FIRST_UNPRIVILEGED_PORT}, which a rootless Docker engine cannot bind (net.ipv4.ip_unprivileged_port_start), so target docker refuses it`;
            if (svc.hostPort === hostPort) problem(`services.${svc.name}.hostPort`, `${hostPort} is ${why}; choose a port from ${FIRST_UNPRIVILEGED_PORT} up`);
            else problem(`services.${svc.name}.public`, `container port ${containerPort} would be published on host port ${hostPort}, ${why}; set hostPort to a port from ${FIRST_UNPRIVILEGED_PORT} up`);
        }
    }
}
