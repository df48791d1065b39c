// Checks every endpoint of a deployed stack for real, from `pulumi stack output endpoints --json`
// on standard input. Endpoints on the platform's own network are checked from inside it on the
// docker target (a throwaway busybox on the stack's network); elsewhere their health checks gate them.
//   bash scripts/verify.sh
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "../components/config/load";
import { HELPER_IMAGE } from "../components/targets/images";
import { Check, checkEndpoint, inPlatform, report } from "./lib/verify";

function inNetwork(network: string, service: string, endpoint: string): Check {
    const url = new URL(endpoint);
    const started = Date.now();
    const r = spawnSync("docker", ["run", "--rm", "--network", network, HELPER_IMAGE, "nc", "-z", "-w", "3", url.hostname, url.port], { encoding: "utf8", timeout: 60000 });
    return { service, endpoint, ok: r.status === 0, detail: r.status === 0 ? "TCP connect, inside the stack's network" : (r.stderr || "no answer").trim(), ms: Date.now() - started };
}

async function main() {
    const stack = process.env.SLIPWAY_STACK ?? "dev";
    const endpoints = JSON.parse(fs.readFileSync(0, "utf8")) as Record<string, string>;
    const stackFile = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8"))?.config ?? {};
    const onDocker = stackFile["slipway:target"] === "docker";
    const checks: Check[] = [];
    for (const [service, endpoint] of Object.entries(endpoints)) {
        if (!inPlatform(endpoint)) checks.push(await checkEndpoint(service, endpoint));
        else if (onDocker) checks.push(inNetwork(`slipway-${stack}`, service, endpoint));
    }
    console.log(report(checks));
    const skipped = Object.keys(endpoints).length - checks.length;
    if (skipped) console.log(`${skipped} in-platform endpoint(s) not reachable from here; their health checks gate them`);
    process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

main();
