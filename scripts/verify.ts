// Checks every endpoint of a deployed stack for real, from `pulumi stack output endpoints --json`
// on standard input. Endpoints on the platform's own network are checked from inside it on the
// docker target (a throwaway busybox on the stack's network, SLIPWAY_VERIFY_IMAGE to use another);
// elsewhere their health checks gate them.
//   bash scripts/verify.sh
import { spawnSync } from "child_process";
import * as fs from "fs";
import { HELPER_IMAGE } from "../components/targets/images";
import { Check, checkEndpoint, inPlatform, report } from "./lib/verify";

/** The image that checks in-platform endpoints from inside the stack's network (any with `nc`). */
const CHECK_IMAGE = process.env.SLIPWAY_VERIFY_IMAGE || HELPER_IMAGE;

function inNetwork(network: string, service: string, endpoint: string): Check {
    const url = new URL(endpoint);
    const started = Date.now();
    const r = spawnSync("docker", ["run", "--rm", "--network", network, CHECK_IMAGE, "nc", "-z", "-w", "3", url.hostname, url.port], { encoding: "utf8", timeout: 60000 });
    return { service, endpoint, ok: r.status === 0, detail: r.status === 0 ? "TCP connect, inside the stack's network" : (r.stderr || "no answer").trim(), ms: Date.now() - started };
}

async function main() {
    const stack = process.env.SLIPWAY_STACK ?? "dev";
    const endpoints = JSON.parse(fs.readFileSync(0, "utf8")) as Record<string, string>;
    // The stack runs on Docker here when its network exists on this engine.
    const network = `slipway-${stack}`;
    const onDocker = spawnSync("docker", ["network", "inspect", network], { encoding: "utf8" }).status === 0;
    const checks: Check[] = [];
    // A service only its consumers may reach (docker-proxy) is on a network of its own, `<network>-<service>`.
    const own = (service: string) => spawnSync("docker", ["network", "inspect", `${network}-${service}`], { encoding: "utf8" }).status === 0;
    for (const [service, endpoint] of Object.entries(endpoints)) {
        if (!inPlatform(endpoint)) checks.push(await checkEndpoint(service, endpoint));
        else if (onDocker) checks.push(inNetwork(own(service) ? `${network}-${service}` : network, service, endpoint));
    }
    console.log(report(checks));
    const skipped = Object.keys(endpoints).length - checks.length;
    if (skipped) console.log(`${skipped} in-platform endpoint(s) not reachable from here; their health checks gate them`);
    process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

main();
