// The catalog: every service type Slipway knows, one file each.
import { clientPorts } from "../model";
import { TypeInfo } from "../config/services";
import { alertmanager } from "./alertmanager";
import { app } from "./app";
import { cadvisor } from "./cadvisor";
import { chromadb } from "./chromadb";
import { consul } from "./consul";
import { dockerProxy } from "./docker-proxy";
import { grafana } from "./grafana";
import { jaeger } from "./jaeger";
import { jupyter } from "./jupyter";
import { kong } from "./kong";
import { mailhog } from "./mailhog";
import { minio } from "./minio";
import { neo4j } from "./neo4j";
import { nginx } from "./nginx";
import { nodeExporter } from "./node-exporter";
import { ollama } from "./ollama";
import { opa } from "./opa";
import { pgadmin } from "./pgadmin";
import { postgres } from "./postgres";
import { postgresExporter } from "./postgres-exporter";
import { prometheus } from "./prometheus";
import { qdrant } from "./qdrant";
import { rabbitmq } from "./rabbitmq";
import { redis } from "./redis";
import { redisCommander } from "./redis-commander";
import { redisExporter } from "./redis-exporter";
import { vault } from "./vault";
import { CatalogType } from "./types";

/** In SPEC.md's order: data stores, secrets and policy, messaging and gateways, observability, tools, apps. */
export const CATALOG: Readonly<Record<string, CatalogType>> = Object.fromEntries(
    [
        ...[postgres, redis, vault, neo4j, opa, minio, rabbitmq, consul, kong, nginx],
        ...[prometheus, grafana, alertmanager, jaeger, cadvisor, nodeExporter, postgresExporter, redisExporter],
        ...[qdrant, chromadb, ollama, mailhog, pgadmin, redisCommander, jupyter, dockerProxy],
        app,
    ].map((t) => [t.type, t]),
);

export function catalogEntry(type: string): CatalogType {
    const entry = CATALOG[type];
    if (!entry) throw new Error(`unknown service type ${type}`);
    return entry;
}

/** What config validation needs to know of each type. */
export function typeInfo(): Record<string, TypeInfo> {
    return Object.fromEntries(
        Object.values(CATALOG).map((t) => [
            t.type,
            {
                ports: t.ports.map((p) => p.port),
                published: clientPorts(t.ports).map((p) => p.port),
                dataStore: t.dataStore ?? false,
                neverPublic: t.neverPublic,
                ownedEnv: t.ownedEnv,
                args: t.args ?? "refuse",
                stateful: (t.volumes ?? []).length > 0,
                needs: t.needs ?? [],
                seed: t.seed?.extension,
                volumes: (t.volumes ?? []).map((v) => v.name),
                tasks: [...(t.taskNames ?? []), ...(t.seed ? ["seed"] : [])],
            },
        ]),
    );
}
