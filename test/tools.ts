// The real tools the tests run (promtool, nginx, PostgreSQL): found on PATH or where Debian puts
// them. A missing tool fails the test that needs it, naming what scripts/test.sh installs.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";

const PACKAGES: Record<string, string> = { promtool: "prometheus", nginx: "nginx-light", initdb: "postgresql", pg_ctl: "postgresql", psql: "postgresql" };

/** The path of a tool: on PATH, in /usr/sbin, or in Debian's versioned PostgreSQL directory. */
export function tool(name: string): string {
    const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (which.status === 0) return which.stdout.trim();
    const pg = fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin/${name}`) : [];
    const found = [`/usr/sbin/${name}`, `/usr/bin/${name}`, ...pg].find((p) => fs.existsSync(p));
    if (found) return found;
    throw new Error(`${name} is not installed: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install ${PACKAGES[name] ?? name})`);
}

/** Runs a tool and asserts it succeeds; returns what it printed. */
export function check(name: string, args: string[]): string {
    const r = spawnSync(tool(name), args, { encoding: "utf8" });
    assert.equal(r.status, 0, `${name} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
}
