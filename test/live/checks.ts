// What the live tier checks on a running platform, and the table it prints: each service, its
// image (the real one or a stand-in), whether it started and became healthy, and each of its
// connections, proven by the consumer itself with the credentials it was given.
import * as http from "http";
import type Docker from "dockerode";
import { Replayed, ReplayedContainer } from "./replay";
import { execIn, healthOf } from "./exec";

export interface Row {
    platform: string;
    service: string;
    image: string;
    started: boolean;
    healthy: boolean;
    /** Used service -> how its connection was proven, or why it was not. */
    connections: Record<string, { ok: boolean; how: string }>;
}

export const ROWS: Row[] = [];

export function getJson(url: string, timeoutMs = 5000): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: timeoutMs }, (res) => {
            let text = "";
            res.on("data", (d) => (text += d));
            res.on("end", () => {
                let body: unknown = text;
                try {
                    body = JSON.parse(text);
                } catch {
                    // not JSON
                }
                resolve({ status: res.statusCode ?? 0, body });
            });
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

/** A probe's /report, read from inside its own container. */
export async function probeReport(docker: Docker, c: ReplayedContainer): Promise<{ ok: boolean; checks: { name: string; kind: string; target: string; ok: boolean; detail: string }[] }> {
    const script = "import os, urllib.request; print(urllib.request.urlopen('http://127.0.0.1:%s/report' % os.environ.get('HTTP_PORT', '8080'), timeout=10).read().decode())";
    const r = await execIn(docker.getContainer(c.id), ["python3", "-c", script]);
    if (r.code !== 0) throw new Error(`${c.service}: /report failed: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout);
}

/** Prometheus' own view of its scrape targets: job -> health. */
export async function prometheusTargets(url: string): Promise<Record<string, string>> {
    const { body } = await getJson(`${url}/api/v1/targets`);
    return Object.fromEntries((body.data.activeTargets as any[]).map((t) => [t.labels.job, t.health]));
}

export async function prometheusValue(url: string, query: string): Promise<number | undefined> {
    const { body } = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const v = body.data?.result?.[0]?.value?.[1];
    return v === undefined ? undefined : Number(v);
}

/** One row per service container of a replayed platform; connections filled in by the caller. */
export async function rows(docker: Docker, platform: string, replayed: Replayed): Promise<Row[]> {
    const out: Row[] = [];
    for (const c of replayed.containers.values()) {
        if (c.role !== "service") continue;
        const h = await healthOf(docker.getContainer(c.id));
        const connections: Row["connections"] = {};
        // A generic stand-in speaks none of its type's protocols, so it proves none of its connections.
        if (c.image.kind === "generic") {
            for (const e of c.inputs.envs ?? []) {
                const used = /^([A-Z0-9_]+)_URL=/.exec(e)?.[1];
                if (used && (c.inputs.envs ?? []).some((x) => x.startsWith(`${used}_HOST=`))) connections[used.toLowerCase()] = { ok: false, how: "not proven: the consumer is a generic stand-in" };
            }
        }
        out.push({ platform, service: c.service!, image: c.image.label, started: h.running, healthy: h.health === "healthy", connections });
    }
    return out;
}

export function table(rows: readonly Row[]): string {
    const lines = ["| platform | service | image | started | healthy | connections (proven by the consumer) |", "|---|---|---|---|---|---|"];
    for (const r of rows) {
        const mark = (c: { ok: boolean; how: string }) => (c.ok ? "✓" : c.how.startsWith("not proven") ? "–" : "✗");
        const conns = Object.entries(r.connections).map(([s, c]) => `${mark(c)} ${s} (${c.how})`).join("; ") || "—";
        lines.push(`| ${r.platform} | ${r.service} | ${r.image} | ${r.started ? "yes" : "NO"} | ${r.healthy ? "yes" : "NO"} | ${conns} |`);
    }
    return lines.join("\n");
}
