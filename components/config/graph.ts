// The graph of `uses` edges: cycles, the order services start in, and the host ports of
// public services, which depend on declaration order.
import { ServiceSpec } from "../model";
import { CONNECTION_SUFFIXES, envPrefix, TypeInfo } from "./services";
import { Report } from "./util";

/**
 * Problems of the edges between services: every `uses` entry names another service, once;
 * types that watch or front another type use one; and no variable a service sets itself
 * collides with a connection setting the platform injects.
 */
export function edgeProblems(
    services: readonly ServiceSpec[],
    names: ReadonlySet<string>,
    types: Readonly<Record<string, TypeInfo>>,
    problem: Report,
): void {
    const byName = new Map(services.map((s) => [s.name, s]));
    for (const svc of services) {
        const seen = new Set<string>();
        svc.uses.forEach((used, i) => {
            const path = `services.${svc.name}.uses[${i}]`;
            if (used === svc.name) problem(path, "a service cannot use itself");
            else if (!names.has(used)) problem(path, `unknown service ${JSON.stringify(used)}`);
            else if (seen.has(used)) problem(path, `${JSON.stringify(used)} is listed twice`);
            seen.add(used);
        });
    }
    for (const svc of services) {
        const needs = types[svc.type]?.needs ?? [];
        if (needs.length && !svc.uses.some((u) => needs.includes(byName.get(u)?.type ?? ""))) {
            problem(`services.${svc.name}.uses`, `type ${svc.type} needs a service of type ${needs.join(" or ")} in uses`);
        }
    }
    for (const svc of services) {
        const injected = new Map<string, string>();
        for (const used of svc.uses) {
            for (const suffix of CONNECTION_SUFFIXES) injected.set(`${envPrefix(used)}_${suffix}`, used);
        }
        for (const key of Object.keys(svc.env)) {
            const from = injected.get(key);
            if (from) problem(`services.${svc.name}.env.${key}`, `collides with the connection setting injected for ${JSON.stringify(from)}`);
        }
        svc.secrets.forEach((key, i) => {
            const from = injected.get(key);
            if (from) problem(`services.${svc.name}.secrets[${i}]`, `${key} collides with the connection setting injected for ${JSON.stringify(from)}`);
            if (key in svc.env) problem(`services.${svc.name}.secrets[${i}]`, `${key} is also set in env`);
        });
    }
}

/** Every elementary cycle reachable in declaration order, each reported once, as `a -> b -> a`. */
export function findCycles(services: readonly ServiceSpec[], byName: ReadonlyMap<string, ServiceSpec>): string[][] {
    const cycles: string[][] = [];
    const seenCycles = new Set<string>();
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (name: string) => {
        state.set(name, "visiting");
        stack.push(name);
        for (const next of byName.get(name)?.uses ?? []) {
            if (!byName.has(next) || next === name) continue;
            if (state.get(next) === "visiting") {
                const cycle = [...stack.slice(stack.indexOf(next)), next];
                const key = [...cycle.slice(0, -1)].sort().join(",");
                if (!seenCycles.has(key)) {
                    seenCycles.add(key);
                    cycles.push(cycle);
                }
            } else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(name, "done");
    };
    for (const svc of services) if (!state.has(svc.name)) visit(svc.name);
    return cycles;
}

/** Services ordered so that each comes after everything it uses (declaration order otherwise). */
export function dependencyOrder(services: readonly ServiceSpec[], byName: ReadonlyMap<string, ServiceSpec>): ServiceSpec[] {
    const out: ServiceSpec[] = [];
    const placed = new Set<string>();
    const place = (svc: ServiceSpec) => {
        if (placed.has(svc.name)) return;
        placed.add(svc.name);
        for (const used of svc.uses) {
            const dep = byName.get(used);
            if (dep) place(dep);
        }
        out.push(svc);
    };
    services.forEach(place);
    return out;
}

/**
 * Host ports for public services, by service and container port. Only a type's client-facing
 * ports are published (PortSpec.access), never an admin or internal one. Explicit `hostPort`s are
 * claimed first, in declaration order; a second claim on one port is an error naming the first
 * claimant. Every other published port of a public service gets its own number, or the next free
 * port above it: the same config always yields the same ports.
 */
export function assignHostPorts(
    services: readonly ServiceSpec[],
    types: Readonly<Record<string, TypeInfo>>,
    problem: Report,
): Record<string, Record<number, number>> {
    const owner = new Map<number, string>();
    const ports: Record<string, Record<number, number>> = {};
    const containerPorts = (svc: ServiceSpec) => (svc.type === "app" ? [svc.port] : (types[svc.type]?.published ?? []))
        .filter((p): p is number => p !== undefined);
    for (const svc of services) {
        if (svc.hostPort === undefined) continue;
        const taken = owner.get(svc.hostPort);
        if (taken) problem(`services.${svc.name}.hostPort`, `${svc.hostPort} is also taken by ${taken}`);
        else {
            owner.set(svc.hostPort, svc.name);
            const primary = containerPorts(svc)[0];
            if (primary !== undefined) ports[svc.name] = { [primary]: svc.hostPort };
        }
    }
    for (const svc of services) {
        if (!svc.public) continue;
        for (const containerPort of containerPorts(svc)) {
            const mine = (ports[svc.name] ??= {});
            if (mine[containerPort] !== undefined) continue;
            let port = containerPort;
            while (owner.has(port) && port < 65535) port++;
            owner.set(port, svc.name);
            mine[containerPort] = port;
        }
    }
    return ports;
}
