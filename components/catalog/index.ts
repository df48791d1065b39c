// The catalog: every service type Slipway knows, one file each.
import { TypeInfo } from "../config/validate";
import { app } from "./app";
import { grafana } from "./grafana";
import { minio } from "./minio";
import { neo4j } from "./neo4j";
import { nginx } from "./nginx";
import { opa } from "./opa";
import { postgres } from "./postgres";
import { prometheus } from "./prometheus";
import { redis } from "./redis";
import { CatalogType } from "./types";
import { vault } from "./vault";

export const CATALOG: Readonly<Record<string, CatalogType>> = Object.fromEntries(
    [postgres, redis, vault, neo4j, opa, minio, prometheus, grafana, nginx, app].map((t) => [t.type, t]),
);

export function catalogEntry(type: string): CatalogType {
    const entry = CATALOG[type];
    if (!entry) throw new Error(`unknown service type ${type}`);
    return entry;
}

/** What config validation needs to know of each type. */
export function typeInfo(): Record<string, TypeInfo> {
    return Object.fromEntries(
        Object.values(CATALOG).map((t) => [t.type, { ports: t.ports.map((p) => p.port), stateful: (t.volumes ?? []).length > 0 }]),
    );
}
