// The floor: a JavaScript program that loads the same @pulumi packages as a stack and registers
// one resource. What no program can go below, measured the same way as the program.
//   node scripts/bench/floor.js <stack> <package> [<package> …]
"use strict";
const started = process.hrtime.bigint();
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

(async () => {
    const [stack, ...packages] = process.argv.slice(2);
    const count = await setMocks(pulumi, stack);
    for (const p of packages) require(p);
    const random = require("@pulumi/random");
    const pw = new random.RandomPassword("floor", { length: 32 });
    await pw.result.promise();
    await waitForRPCs();
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, resources: count() }));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
