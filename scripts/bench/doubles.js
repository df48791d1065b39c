// The test doubles (test/doubles.ts, test/unknown.ts) as JavaScript, transpiled once into `dir`
// before any timing starts, so that the program and the floors run under the same mocks with no
// TypeScript loaded. Returns the path that SLIPWAY_BENCH_DOUBLES names (scripts/bench/mocks.js).
"use strict";
const fs = require("fs");
const path = require("path");

module.exports = function transpileDoubles(root, dir) {
    const ts = require("typescript");
    for (const f of ["doubles", "unknown"]) {
        const out = ts.transpileModule(fs.readFileSync(path.join(root, "test", `${f}.ts`), "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
        fs.writeFileSync(path.join(dir, `${f}.js`), out.outputText);
    }
    return path.join(dir, "doubles.js");
};
