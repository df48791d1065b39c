// The one place that reads stack configuration: collect the `slipway:` keys as the CLI hands
// them over, add the bundled platform definitions, validate, and stop with every problem
// before a single resource is registered. (Rules that depend on the target are the target's
// to give; the program asks for them: see program.ts.)
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec } from "../model";
import { parseConfigText } from "./typed";
import { BUILT_PLATFORMS, PLATFORM_FILE, PROJECT_DIR } from "./project-dir";
import { TypeInfo } from "./services";
import { validate } from "./validate";

export const PLATFORMS_DIR = path.join(PROJECT_DIR, "platforms");

/**
 * Bundled platform definitions by name (`platforms/<name>.yaml`). Run from the build (bin/), the
 * build's parsed copy (scripts/build.js; components/fresh-build.ts refuses a build older than the
 * YAML), so a run loads no YAML parser. Run from the TypeScript sources (the tests), the YAML
 * itself, each file parsed when first asked for.
 */
export function loadPlatforms(dir = PLATFORMS_DIR): Record<string, unknown> {
    if (dir === PLATFORMS_DIR && __filename.endsWith(".js")) {
        return JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, BUILT_PLATFORMS), "utf8")) as Record<string, unknown>;
    }
    const out: Record<string, unknown> = {};
    if (!fs.existsSync(dir)) return out;
    for (const file of fs.readdirSync(dir).sort()) {
        const m = PLATFORM_FILE.exec(file);
        if (!m) continue;
        let parsed: unknown;
        Object.defineProperty(out, m[1], {
            enumerable: true,
            get: () => (parsed ??= (require("yaml") as typeof import("yaml")).parse(fs.readFileSync(path.join(dir, file), "utf8"))),
        });
    }
    return out;
}

/** `slipway:*` config as the CLI hands it over (text), parsed by each key's declared type. */
export function readSlipwayConfig(all: Record<string, string> = pulumi.runtime.allConfig()): Record<string, unknown> {
    return parseConfigText(all);
}

export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: readonly string[]) {
        super(`invalid Slipway configuration:\n${problems.join("\n")}`);
    }
}

/** The project directory, where relative paths in config (seed files) start. */
export { PROJECT_DIR };

/** The seed files `slipway:seeds` names, read now so that validation stays pure. */
export function readSeedFiles(seeds: unknown): Record<string, string | undefined> {
    const files: Record<string, string | undefined> = {};
    if (typeof seeds !== "object" || seeds === null) return files;
    for (const p of Object.values(seeds)) {
        if (typeof p !== "string") continue;
        const full = path.resolve(PROJECT_DIR, p);
        files[p] = fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
    }
    return files;
}

/** The validated platform, or a ConfigError that lists every problem; `types` is what the catalog knows. */
export function loadPlatformSpec(types: Readonly<Record<string, TypeInfo>>, config = readSlipwayConfig()): PlatformSpec {
    const result = validate({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        config,
        platforms: loadPlatforms(),
        types,
        files: readSeedFiles(config.seeds),
    });
    if (!result.ok) throw new ConfigError(result.problems);
    return result.spec;
}
