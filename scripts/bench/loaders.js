#!/usr/bin/env node
// How the ways Pulumi can load the program compare, on the dev stack (npm run bench:loaders):
// ts-node with its type-check (Pulumi's default for a TypeScript program), ts-node transpile-only
// (what PULUMI_NODEJS_TRANSPILE_ONLY=true or `noCheck` in tsconfig give: run.js turns noCheck
// into transpileOnly), ts-node with swc (when @swc/core is installed), and the precompiled
// JavaScript Slipway runs (bin/index.js). Min and median of RUNS fresh processes each, interleaved.
// It prints measured numbers; it asserts nothing.
"use strict";
const os = require("os");
const path = require("path");
const { root, prepare, timed, stats, format: f } = require("./common");

const RUNS = Number(process.env.BENCH_RUNS || 5);
const STACK = process.env.BENCH_STACK || "dev";
const { cli } = prepare();
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

const times = loaders.map(() => []);
for (let i = 0; i < RUNS; i++) loaders.forEach((l, j) => times[j].push(timed(l.args).ms));
console.log(`slipway loaders: the ${STACK} stack, ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}, ${RUNS} runs each${swc ? "" : " (@swc/core not installed: no swc row)"}\n`);
console.log("| loader | min | median |");
console.log("|---|---|---|");
loaders.forEach((l, j) => {
    const s = stats(times[j]);
    console.log(`| ${l.name} | ${f(s.min)} | ${f(s.median)} |`);
});
