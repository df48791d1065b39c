// One evaluation for the benchmark, loaded the way Pulumi's nodejs runtime loads the program
// with TypeScript off: a plain require of bin/index.js. Prints {ms, resources} on its last line.
//   node scripts/bench/child.js <stack> '<config JSON>'
"use strict";
const started = process.hrtime.bigint();
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

(async () => {
    const [stack, config] = process.argv.slice(2);
    const count = await setMocks(pulumi, stack);
    pulumi.runtime.setAllConfig(JSON.parse(config));
    const program = require(path.join(__dirname, "..", "..", "bin", "index.js"));
    await Promise.all(Object.values(program).filter((o) => pulumi.Output.isInstance(o)).map((o) => o.promise()));
    await waitForRPCs();
    const packages = [...new Set(Object.keys(require.cache).map((p) => /node_modules\/(@pulumi\/[a-z]+)\//.exec(p)?.[1]).filter(Boolean))].sort();
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, resources: count(), packages }));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
