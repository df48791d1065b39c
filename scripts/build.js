#!/usr/bin/env node
// Builds the program into bin/: each TypeScript source of index.ts and components/ transpiled to
// JavaScript on its own (typescript's transpileModule, as `ts-node --transpile-only` does), with
// no type-check: that is the test command's job (tsc --noEmit); and the bundled platform
// definitions (platforms/*.yaml) parsed into bin/platforms.json, so a run reads no YAML. Then
// records a digest of all these sources in bin/build.json, which the program checks before it runs (components/fresh-build.ts).
// Does nothing when bin/ is already built from these sources. Plain JavaScript, so that building
// needs nothing built.
//   node scripts/build.js            (npm run build)
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const out = path.join(root, "bin");

// The same files as components/fresh-build.ts sourceFiles, and the same platform file names as
// components/config/project-dir.ts PLATFORM_FILE.
const PLATFORM_FILE = /^([a-z0-9-]+)\.ya?ml$/;
function sources() {
    const walk = (dir) =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            return e.isDirectory() ? walk(full) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
        });
    const platforms = path.join(root, "platforms");
    const definitions = fs.existsSync(platforms) ? fs.readdirSync(platforms).filter((f) => PLATFORM_FILE.test(f)).map((f) => path.join(platforms, f)) : [];
    return [path.join(root, "index.ts"), ...walk(path.join(root, "components")), ...definitions].sort();
}

/**
 * The bundled platform definitions, parsed as the program parses them from source (the yaml
 * package's defaults), for bin/platforms.json. A definition JSON cannot carry as it is (.inf,
 * .nan) stops the build, naming its file.
 */
function platforms(files) {
    const YAML = require("yaml");
    const { isDeepStrictEqual } = require("util");
    const out = {};
    for (const file of files) {
        const m = PLATFORM_FILE.exec(path.basename(file));
        if (!m || path.dirname(file) !== path.join(root, "platforms")) continue;
        let parsed;
        try {
            parsed = YAML.parse(fs.readFileSync(file, "utf8"));
        } catch (e) {
            throw new Error(`${path.relative(root, file)}: ${e.message}`);
        }
        if (!isDeepStrictEqual(JSON.parse(JSON.stringify(parsed)), parsed)) throw new Error(`${path.relative(root, file)}: holds a value JSON cannot carry (.inf or .nan?)`);
        out[m[1]] = parsed;
    }
    return out;
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
let definitions;
try {
    definitions = platforms(files);
} catch (e) {
    console.error(e.message);
    process.exit(1);
}
fs.rmSync(out, { recursive: true, force: true });
for (const file of files.filter((f) => f.endsWith(".ts"))) {
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
fs.writeFileSync(path.join(out, "platforms.json"), JSON.stringify(definitions));
fs.writeFileSync(record, `${JSON.stringify({ sources: sourcesDigest }, null, 2)}\n`);
console.error(`slipway: built bin/ from ${files.length} sources in ${Date.now() - started} ms`);
