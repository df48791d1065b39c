// Writes Pulumi.yaml and the README's configuration table from components/config/keys.ts, the
// one place each config key is documented. `--check` writes nothing and fails when either file
// differs from what it would write (the test suite runs the same check).
//   npm run docs:config            # rewrite both
//   npm run docs:config -- --check
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, KeySpec, KEYS } from "../components/config/keys";

export const ROOT = path.join(__dirname, "..");
export const TABLE_START = "<!-- config keys: generated from components/config/keys.ts by `npm run docs:config` -->";
export const TABLE_END = "<!-- end of config keys -->";

const HEADER = "# Generated from components/config/keys.ts by `npm run docs:config`: edit the keys there.\n";

/** Pulumi.yaml: the project, and every key with its type, description and default. */
export function pulumiYaml(): string {
    const config: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const spec: KeySpec = KEYS[key];
        config[key] = {
            type: spec.type,
            ...(spec.items ? { items: { type: spec.items } } : {}),
            description: spec.description,
            ...(spec.default !== undefined ? { default: spec.default } : {}),
        };
    }
    const project = {
        name: "slipway",
        // The program runs from its JavaScript build (scripts/build.js), never through ts-node: a
        // preview or up neither type-checks nor transpiles (@pulumi/pulumi cmd/run/run.js reads
        // PULUMI_NODEJS_TYPESCRIPT, which the language host sets from `typescript`).
        runtime: { name: "nodejs", options: { typescript: false } },
        main: "bin/index.js",
        description: "One program that provisions a whole multi-service platform, with generated credentials, on Docker, Kubernetes or AWS.",
        config,
    };
    return HEADER + YAML.stringify(project, { lineWidth: 0 });
}

/** The README's table: key, type, the value in effect by default, meaning. */
export function readmeTable(): string {
    const rows = CONFIG_KEYS.map((key) => {
        const spec: KeySpec = KEYS[key];
        return `| \`${key}\` | ${spec.typeDoc} | ${spec.defaultDoc} | ${spec.description.replace(/\|/g, "\\|")} |`;
    });
    return [TABLE_START, "| key | type | default | meaning |", "|---|---|---|---|", ...rows, TABLE_END].join("\n");
}

/** The README with its table replaced by the generated one. */
export function readmeWithTable(readme: string): string {
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    if (start < 0 || end < start) throw new Error(`README.md has no "${TABLE_START}" … "${TABLE_END}" block`);
    return readme.slice(0, start) + readmeTable() + readme.slice(end + TABLE_END.length);
}

function main() {
    const check = process.argv.includes("--check");
    const files: [string, string][] = [
        ["Pulumi.yaml", pulumiYaml()],
        ["README.md", readmeWithTable(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"))],
    ];
    let stale = 0;
    for (const [file, content] of files) {
        const full = path.join(ROOT, file);
        if (fs.readFileSync(full, "utf8") === content) continue;
        if (check) {
            console.error(`${file} differs from components/config/keys.ts: run npm run docs:config`);
            stale++;
        } else {
            fs.writeFileSync(full, content);
            console.log(`wrote ${file}`);
        }
    }
    process.exit(stale ? 1 : 0);
}

if (require.main === module) main();
