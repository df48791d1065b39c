#!/usr/bin/env node
// Builds the program into bin/: each TypeScript source of index.ts and components/ transpiled to
// JavaScript on its own (typescript's transpileModule, as `ts-node --transpile-only` does), with
// no type-check: that is the test command's job (tsc --noEmit). Then records a digest of the
// sources in bin/build.json, which the program checks before it runs (components/fresh-build.ts).
// Does nothing when bin/ is already built from these sources. Plain JavaScript, so that building
// needs nothing built.
//   node scripts/build.js            (npm run build)
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const out = path.join(root, "bin");

function sources() {
    const walk = (dir) =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            return e.isDirectory() ? walk(full) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
        });
    return [path.join(root, "index.ts"), ...walk(path.join(root, "components"))].sort();
}

// The same digest as components/fresh-build.ts sourceDigest; a test proves they agree.
function digest(files) {
    const hash = require("crypto").createHash("sha256");
    for (const file of files) hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file)).update("\0");
    return hash.digest("hex");
}

const files = sources();
const sourcesDigest = digest(files);
const record = path.join(out, "build.json");
const force = process.argv.includes("--force");
if (!force && fs.existsSync(record) && JSON.parse(fs.readFileSync(record, "utf8")).sources === sourcesDigest) {
    process.exit(0);
}

// Loaded only to build (about 180 ms): an up-to-date check runs before every `pulumi.sh` command.
const ts = require("typescript");
const config = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile).config;
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const started = Date.now();
fs.rmSync(out, { recursive: true, force: true });
for (const file of files) {
    const result = ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: { ...options, sourceMap: false, inlineSourceMap: false }, fileName: file, reportDiagnostics: true });
    const errors = (result.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
        console.error(`${path.relative(root, file)}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
        process.exit(1);
    }
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, result.outputText);
}
fs.writeFileSync(record, `${JSON.stringify({ sources: sourcesDigest }, null, 2)}\n`);
console.error(`slipway: built bin/ from ${files.length} sources in ${Date.now() - started} ms`);
