// A real check of every endpoint after a deploy (SEEDS.md: instead of a hand-written status
// report): HTTP endpoints must answer below 500, the others must accept a TCP connection.
import * as http from "http";
import * as https from "https";
import * as net from "net";

export interface Check {
    readonly service: string;
    readonly endpoint: string;
    readonly ok: boolean;
    readonly detail: string;
    readonly ms: number;
}

/** Endpoints whose host is a single name live on the platform's own network. */
export function inPlatform(endpoint: string): boolean {
    const host = new URL(endpoint).hostname;
    return !host.includes(".") && host !== "localhost";
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

export async function checkEndpoint(service: string, endpoint: string, timeoutMs = 5000): Promise<Check> {
    const started = Date.now();
    const url = new URL(endpoint);
    const done = (ok: boolean, detail: string): Check => ({ service, endpoint, ok, detail, ms: Date.now() - started });
    if (url.protocol === "http:" || url.protocol === "https:") {
        const client = url.protocol === "https:" ? https : http;
        return new Promise((resolve) => {
            const req = client.get(url, { timeout: timeoutMs }, (res) => {
                res.resume();
                const status = res.statusCode ?? 0;
                resolve(done(status < 500, `HTTP ${status}`));
            });
            req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
            req.on("error", (e) => resolve(done(false, e.message)));
        });
    }
    const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
    return new Promise((resolve) => {
        const socket = net.connect({ host: url.hostname, port, timeout: timeoutMs });
        socket.once("connect", () => {
            socket.destroy();
            resolve(done(true, "TCP connect"));
        });
        socket.once("timeout", () => {
            socket.destroy();
            resolve(done(false, `no answer in ${timeoutMs} ms`));
        });
        socket.once("error", (e) => resolve(done(false, e.message)));
    });
}

export function report(checks: readonly Check[]): string {
    const rows = checks.map((c) => `${c.ok ? "ok  " : "FAIL"}  ${c.service.padEnd(20)} ${c.endpoint.padEnd(48)} ${c.detail} (${c.ms} ms)`);
    const failed = checks.filter((c) => !c.ok).length;
    return `${rows.join("\n")}\n${checks.length - failed} of ${checks.length} endpoints answered`;
}
