// The project directory: where Pulumi.yaml, the platform definitions and the seed files are.
// Found by walking up from this module, so it is the same whether the program runs from its
// TypeScript sources or from the JavaScript build in bin/.
import * as fs from "fs";
import * as path from "path";

export function findProjectDir(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}`);
    }
}

export const PROJECT_DIR = findProjectDir();

/** A bundled platform definition's file name, in platforms/: its name is the platform's. */
export const PLATFORM_FILE = /^([a-z0-9-]+)\.ya?ml$/;

/** Where the build keeps the bundled platform definitions, parsed (scripts/build.js): `{ <name>: <definition> }`. */
export const BUILT_PLATFORMS = path.join("bin", "platforms.json");
