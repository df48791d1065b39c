// Runs the program's JavaScript build the way Pulumi's nodejs runtime would with TypeScript off
// (a plain require of bin/index.js), under mocks, and prints what it exported and which modules it
// loaded. Plain JavaScript: nothing here may load a TypeScript compiler.
//   node test/support/run-built.js <project dir> <stack> '<config JSON: ns:key -> text>'
"use strict";
const path = require("path");
const [projectDir, stack, configJson] = process.argv.slice(2);
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [projectDir] }));

(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.type === "random:index/randomPassword:RandomPassword" ? { result: `gen-${args.name}` } : {}) } }),
            call: (args) => ({ names: ["us-east-1a", "us-east-1b"], region: "us-east-1", partition: "aws", id: "x" }),
        },
        "slipway",
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(JSON.parse(configJson));
    const program = require(path.join(projectDir, "bin", "index.js"));
    const endpoints = await program.endpoints.promise();
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({
        endpoints,
        // @pulumi/pulumi itself loads the typescript package (tsutils.js, for its closure
        // serializer), so that is part of every Pulumi program's cost; ts-node is not.
        tsNode: loaded.some((p) => /node_modules[\\/]ts-node[\\/]/.test(p)),
        sources: loaded.filter((p) => p.endsWith(".ts")).length,
        // The platform definitions come parsed with the build (bin/platforms.json).
        yaml: loaded.some((p) => /node_modules[\\/]yaml[\\/]/.test(p)),
    }));
})().catch((e) => {
    console.error(e.message);
    process.exit(1);
});
