#!/usr/bin/env node
// How the ways Pulumi can load the program compare, on the dev stack (npm run bench:loaders):
// ts-node with its type-check (Pulumi's default for a TypeScript program), ts-node transpile-only
// (what PULUMI_NODEJS_TRANSPILE_ONLY=true or `noCheck` in tsconfig give: run.js turns noCheck
// into transpileOnly), ts-node with swc (when @swc/core is installed), and the precompiled
// JavaScript Slipway runs (bin/index.js). Min and median of RUNS fresh processes each, interleaved.
// It prints measured numbers; it asserts nothing.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS || 5);
const STACK = process.env.BENCH_STACK || "dev";
spawnSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit" });

const doubles = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bench-"));
process.env.SLIPWAY_BENCH_DOUBLES = require("./doubles")(root, doubles);
process.on("exit", () => fs.rmSync(doubles, { recursive: true, force: true }));
const cli = require(path.join(root, "bin", "components", "config", "cli.js"));
const config = JSON.stringify(cli.loadStack(root, STACK).config);

let swc = true;
try {
    require.resolve("@swc/core", { paths: [root] });
} catch {
    swc = false;
}
const loaders = [
    { name: "ts-node, type-check (Pulumi's default)", args: [path.join(__dirname, "child.js"), STACK, config, "typecheck"] },
    { name: "ts-node, transpile-only (= noCheck)", args: [path.join(__dirname, "child.js"), STACK, config, "transpile-only"] },
    ...(swc ? [{ name: "ts-node with swc", args: [path.join(__dirname, "child.js"), STACK, config, "swc"] }] : []),
    { name: "precompiled JavaScript (bin/index.js)", args: [path.join(__dirname, "child.js"), STACK, config] },
];

function time(args) {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: root, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(" ")} failed:\n${r.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
}
const times = loaders.map(() => []);
for (let i = 0; i < RUNS; i++) loaders.forEach((l, j) => times[j].push(time(l.args)));
const f = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
console.log(`slipway loaders: the ${STACK} stack, ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}, ${RUNS} runs each${swc ? "" : " (@swc/core not installed: no swc row)"}\n`);
console.log("| loader | min | median |");
console.log("|---|---|---|");
loaders.forEach((l, j) => {
    const s = [...times[j]].sort((a, b) => a - b);
    console.log(`| ${l.name} | ${f(s[0])} | ${f(s[Math.floor(s.length / 2)])} |`);
});
