// The program runs from its JavaScript build in bin/ (Pulumi.yaml: `main: bin/index.js`, with
// TypeScript off), so a `preview` or `up` never type-checks or transpiles. A build must not be
// older than its sources: scripts/build.js records a digest of them in bin/build.json, and the
// build refuses to run when the sources have changed since. The bundled platform definitions
// (platforms/*.yaml) are sources too: the build carries them as JSON (bin/platforms.json), so a
// run reads no YAML. Run from the TypeScript sources (the tests, ts-node), there is nothing to
// check.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { findProjectDir, PLATFORM_FILE } from "./config/project-dir";

/** The files a build is made from: index.ts, every .ts under components/, and the bundled platforms. */
export function sourceFiles(projectDir: string): string[] {
    const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            return e.isDirectory() ? walk(full) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
        });
    const platforms = path.join(projectDir, "platforms");
    const definitions = fs.existsSync(platforms) ? fs.readdirSync(platforms).filter((f) => PLATFORM_FILE.test(f)).map((f) => path.join(platforms, f)) : [];
    return [path.join(projectDir, "index.ts"), ...walk(path.join(projectDir, "components")), ...definitions].sort();
}

/** A digest of the sources' paths and contents. */
export function sourceDigest(projectDir: string): string {
    const hash = createHash("sha256");
    for (const file of sourceFiles(projectDir)) hash.update(path.relative(projectDir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
    return hash.digest("hex");
}

export const BUILD_RECORD = "build.json";

/** Throws, saying what to run, when this build in bin/ is missing its record or older than its sources. */
export function assertFreshBuild(entry: string = __filename): void {
    if (entry.endsWith(".ts")) return;
    const projectDir = findProjectDir(path.dirname(entry));
    const record = path.join(projectDir, "bin", BUILD_RECORD);
    const built = fs.existsSync(record) ? (JSON.parse(fs.readFileSync(record, "utf8")) as { sources?: string }).sources : undefined;
    if (built !== sourceDigest(projectDir)) {
        throw new Error("the program's build in bin/ is older than its sources (or was not made by scripts/build.js): run `npm run build`, or use `bash scripts/pulumi.sh`, which builds first");
    }
}
