#!/usr/bin/env node
// The benchmark (npm run bench): how long one evaluation of the program takes, loaded the way
// Pulumi runs it (its JavaScript build, TypeScript off), beside two floors measured in the same
// run, interleaved (scripts/bench/floor.js): a program that loads the same @pulumi packages and
// registers one resource, and a plain loop that registers exactly the resources the program
// registered (recorded in one untimed run first), which is what the SDK alone costs for them.
// Each figure is the wall time of a fresh node process, min and median of RUNS; each ratio, the
// median of the runs' ratios to the floors measured right after them.
// It prints measured numbers; it asserts nothing.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { root, prepare, timed, stats, format: f } = require("./common");

const RUNS = Number(process.env.BENCH_RUNS || 5);
const SIZES = (process.env.BENCH_SIZES || "20,50,100,200").split(",").map(Number);

const { doubles, cli } = prepare();
const project = cli.parseProject(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

/** N apps behind a postgres and a redis: every app uses redis, every fourth one postgres too. */
function synthetic(target, n) {
    const services = { postgres: { type: "postgres" }, redis: { type: "redis" } };
    for (let i = 0; i < n; i++) {
        services[`app-${i}`] = { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, health: "/health", uses: i % 4 === 0 ? ["postgres", "redis"] : ["redis"], secrets: ["JWT_SECRET_KEY"] };
    }
    const values = { "slipway:target": cli.stackValueOf(target), "slipway:services": cli.stackValueOf(services) };
    return cli.applyProjectConfig(project, `bench-${n}`, values).config;
}

const cases = [
    ...["dev", "staging", "prod"].map((stack) => ({ name: stack, stack, config: cli.loadStack(root, stack).config })),
    ...["docker", "kind"].flatMap((target) => SIZES.map((n) => ({ name: `${n} apps on ${target}`, stack: `bench-${n}`, config: synthetic(target, n) }))),
];

console.log(`slipway bench: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}, ${RUNS} runs each, wall time of a fresh process\n`);
console.log("| case | resources | program min | program median | floor (1 resource) median | ratio | floor (same resources, no program) median | ratio |");
console.log("|---|---|---|---|---|---|---|---|");
const results = [];
for (const c of cases) {
    const program = [];
    const floor = [];
    const floorN = [];
    // One untimed run records what the program registers, for the replay floor.
    const recording = path.join(doubles, `${c.stack}.json`);
    const { resources, packages } = timed([path.join(__dirname, "child.js"), c.stack, JSON.stringify(c.config)], { SLIPWAY_BENCH_RECORD: recording });
    for (let i = 0; i < RUNS; i++) {
        program.push(timed([path.join(__dirname, "child.js"), c.stack, JSON.stringify(c.config)]).ms);
        floor.push(timed([path.join(__dirname, "floor.js"), c.stack, "1", ...packages]).ms);
        const replayed = timed([path.join(__dirname, "floor.js"), c.stack, "replay", recording, ...packages]);
        if (replayed.resources !== resources) throw new Error(`${c.name}: the replay registered ${replayed.resources} resources, the program ${resources}`);
        floorN.push(replayed.ms);
    }
    const ps = stats(program);
    const f1 = stats(floor);
    const fn = stats(floorN);
    // Each ratio is the median of the runs' own ratios: a program run against the floors run
    // right after it, so that the machine's drift over the run (other tenants, frequency) falls
    // on both sides of each ratio.
    const ratio = (floors) => stats(program.map((p, i) => p / floors[i])).median;
    results.push({ name: c.name, resources, program: ps, floor: f1, floorN: fn });
    console.log(`| ${c.name} | ${resources} | ${f(ps.min)} | ${f(ps.median)} | ${f(f1.median)} | ${ratio(floor).toFixed(2)}× | ${f(fn.median)} | ${ratio(floorN).toFixed(2)}× |`);
}
for (const target of ["docker", "kind"]) {
    const small = results.find((r) => r.name === `${SIZES[0]} apps on ${target}`);
    const large = results.find((r) => r.name === `${SIZES[SIZES.length - 1]} apps on ${target}`);
    if (small && large) console.log(`\n${target}: ${SIZES[SIZES.length - 1]} apps take ${(large.program.median / small.program.median).toFixed(1)}× the time of ${SIZES[0]} apps`);
}
