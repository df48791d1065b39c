// Names the program derives from a service's name. Its containers, volumes, jobs, Kubernetes
// objects and generated credentials are named `<service>-<suffix>`, so a second service whose
// name is one of those would collide: a second Docker container or NetworkPolicy of that name,
// or a second resource with one URN, which the engine refuses halfway through a deploy.
// Validation refuses such a name up front.
import { ServiceSpec } from "../model";
import { TypeInfo } from "./services";
import { Report } from "./util";

/**
 * Suffixes every target may derive from any service: Docker's image and task containers, the
 * holder of its files and their volumes (one per directory: Grafana's are three),
 * its process limit and its own network; Kubernetes' Secret, ConfigMap, ServiceAccount, Service,
 * public Service, NetworkPolicy, PDB and Ingress; the AWS roles and managed equivalents; the
 * generated credentials.
 */
const SUFFIXES = [
    "image", "credentials", "files", "files-1", "files-2", "files-3", "files-4", "pids", "account",
    "service", "public", "network", "pdb", "ingress", "kms", "sg", "rds", "elasticache", "bucket", "s3", "password", "token",
];

/**
 * Names a target gives objects of its own for the whole stack: Kubernetes' default-deny and DNS
 * NetworkPolicies, Docker's volume hand-over container (`<project>-<stack>-volume-init`).
 */
export const RESERVED_NAMES = ["default-deny", "allow-dns", "volume-init"];

/** The `<service>-<suffix>` names derived from one service, given the services that use it. */
export function derivedNames(svc: ServiceSpec, info: TypeInfo | undefined, consumers: readonly string[]): Set<string> {
    const names = new Set<string>();
    const add = (suffix: string) => names.add(`${svc.name}-${suffix}`);
    SUFFIXES.forEach(add);
    for (const v of info?.volumes ?? []) add(v);
    for (const t of info?.tasks ?? []) [t, `${t}-image`, `${t}-run`, `${t}-files`, `${t}-network`].forEach(add);
    for (const s of svc.secrets) add(s.toLowerCase().replace(/_/g, "-"));
    if ((svc.replicas ?? 1) > 1) for (let i = 1; i <= svc.replicas!; i++) add(String(i));
    // Credentials generated for a consumer of its own.
    for (const c of consumers) add(`for-${c}`);
    return names;
}

/**
 * Two services collide when a name of one, its own or one derived from it, is a name of the other.
 * Each name's services are indexed first, so that a service is compared only with those it shares
 * a name with: a platform of hundreds of services is checked in linear time, not quadratic.
 */
export function nameCollisions(services: readonly ServiceSpec[], types: Readonly<Record<string, TypeInfo>>, problem: Report): void {
    const consumersOf = new Map<string, string[]>(services.map((s) => [s.name, []]));
    for (const c of services) for (const used of c.uses) consumersOf.get(used)?.push(c.name);
    const namesOf = services.map((s) => new Set([s.name, ...derivedNames(s, types[s.type], consumersOf.get(s.name) ?? [])]));
    const owners = new Map<string, number[]>();
    namesOf.forEach((names, i) => {
        for (const n of names) {
            const list = owners.get(n);
            if (list) list.push(i);
            else owners.set(n, [i]);
        }
    });
    services.forEach((svc, i) => {
        if (RESERVED_NAMES.includes(svc.name)) {
            problem(`services.${svc.name}`, "the name is taken by an object Slipway makes for every stack; rename the service");
            return;
        }
        const mine = [...namesOf[i]];
        const others = [...new Set(mine.flatMap((n) => owners.get(n)!))].filter((j) => j !== i).sort((a, b) => a - b);
        for (const j of others) {
            const other = services[j];
            const shared = mine.find((n) => namesOf[j].has(n));
            if (shared && (shared === svc.name || (shared !== other.name && i > j))) {
                problem(`services.${svc.name}`, `${shared} is also a name Slipway derives from service ${JSON.stringify(other.name)}; rename one of them`);
                break;
            }
        }
    });
}
