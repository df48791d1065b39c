// One evaluation for the benchmark, loaded the way Pulumi's nodejs runtime loads the program.
// By default with TypeScript off: a plain require of bin/index.js. With a ts-node loader
// (scripts/bench/loaders.js), from the TypeScript sources as run.js loads a TypeScript program
// (@pulumi/pulumi cmd/run/run.js: ts-node registered with the project's tsconfig and these
// compiler options). Prints {resources, packages} on its last line (the bench times the whole process). With SLIPWAY_BENCH_RECORD
// set, also writes every registration there (an untimed run, for the replay floor).
//   node scripts/bench/child.js <stack> '<config JSON>' [built|typecheck|transpile-only|swc]
"use strict";
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

const root = path.join(__dirname, "..", "..");

/** The program's module, as the loader `mode` would load it. */
function load(mode) {
    if (mode === "built") return require(path.join(root, "bin", "index.js"));
    require("ts-node").register({
        transpileOnly: mode !== "typecheck",
        swc: mode === "swc",
        project: path.join(root, "tsconfig.json"),
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" },
    });
    return require(path.join(root, "index.ts"));
}

(async () => {
    const [stack, config, mode = "built"] = process.argv.slice(2);
    const record = process.env.SLIPWAY_BENCH_RECORD ? [] : undefined;
    const count = await setMocks(pulumi, stack, record);
    pulumi.runtime.setAllConfig(JSON.parse(config));
    const program = load(mode);
    await Promise.all(Object.values(program).filter((o) => pulumi.Output.isInstance(o)).map((o) => o.promise()));
    await waitForRPCs();
    const packages = [...new Set(Object.keys(require.cache).map((p) => /node_modules\/(@pulumi\/[a-z]+)\//.exec(p)?.[1]).filter(Boolean))].sort();
    console.log(JSON.stringify({ resources: count(), packages }));
    if (record) require("fs").writeFileSync(process.env.SLIPWAY_BENCH_RECORD, JSON.stringify(record));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
