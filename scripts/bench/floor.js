// The floor: a JavaScript program that loads the same @pulumi packages as a stack and registers
// N resources with one input each (random.RandomPassword): what no program can go below,
// measured the same way as the program. N = 1 is the floor; N = the stack's resource
// count is what the SDK alone costs for as many resources as the program registers.
//   node scripts/bench/floor.js <stack> <N> <package> [<package> …]
"use strict";
const started = process.hrtime.bigint();
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

(async () => {
    const [stack, n, ...packages] = process.argv.slice(2);
    const count = await setMocks(pulumi, stack);
    for (const p of packages) require(p);
    const random = require("@pulumi/random");
    const results = [];
    for (let i = 0; i < Number(n); i++) results.push(new random.RandomPassword(`floor-${i}`, { length: 32 }).result.promise());
    await Promise.all(results);
    await waitForRPCs();
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, resources: count() }));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
