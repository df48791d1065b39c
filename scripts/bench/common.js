// What the benchmarks share (scripts/bench/index.js, loaders.js): a fresh build, the test doubles
// as JavaScript, and one timed run of a script in a fresh node process.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..", "..");

/** Builds bin/ (a stale build is what Pulumi would refuse) and transpiles the doubles; stops on failure. */
function prepare() {
    const build = spawnSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("scripts/build.js failed: the benchmark needs a fresh build");
    const doubles = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bench-"));
    process.env.SLIPWAY_BENCH_DOUBLES = require("./doubles")(root, doubles);
    process.on("exit", () => fs.rmSync(doubles, { recursive: true, force: true }));
    return { doubles, cli: require(path.join(root, "bin", "components", "config", "cli.js")) };
}

/** Runs `node <args>` in a fresh process: its wall time in ms, and what it printed on its last line (JSON), if anything. */
function timed(args, env = {}) {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(" ")} failed:\n${r.stderr}`);
    const last = r.stdout.trim().split("\n").pop();
    return { ...(last ? JSON.parse(last) : {}), ms };
}

const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { min: s[0], median: s[Math.floor(s.length / 2)] };
};
const format = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

module.exports = { root, prepare, timed, stats, format };
