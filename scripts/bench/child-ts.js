// One evaluation from the TypeScript sources, loaded as Pulumi's nodejs runtime loads a
// TypeScript program (@pulumi/pulumi cmd/run/run.js: ts-node registered with the project's
// tsconfig and these compiler options), for scripts/bench/loaders.js. Prints {ms, resources}.
//   node scripts/bench/child-ts.js <typecheck|transpile-only|swc> <stack> '<config JSON>'
"use strict";
const started = process.hrtime.bigint();
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

(async () => {
    const [mode, stack, config] = process.argv.slice(2);
    const count = await setMocks(pulumi, stack);
    pulumi.runtime.setAllConfig(JSON.parse(config));
    const root = path.join(__dirname, "..", "..");
    require("ts-node").register({
        transpileOnly: mode !== "typecheck",
        swc: mode === "swc",
        project: path.join(root, "tsconfig.json"),
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" },
    });
    const program = require(path.join(root, "index.ts"));
    await Promise.all(Object.values(program).filter((o) => pulumi.Output.isInstance(o)).map((o) => o.promise()));
    await waitForRPCs();
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, resources: count() }));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
