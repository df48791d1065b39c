// Imports run one way through the program's layers: model -> config -> catalog (and the
// generated configuration it uses) -> service -> targets -> platform -> program. A module may
// import from its own layer or the layers before it, never from a later one.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./harness";

const LAYERS: Record<string, number> = {
    model: 0,
    config: 1,
    catalog: 2,
    generated: 2,
    resources: 3,
    connections: 3,
    service: 3,
    tls: 3,
    targets: 4,
    platform: 5,
    program: 6,
    "fresh-build": 6,
};

const layerOf = (file: string) => {
    const top = path.relative(path.join(ROOT, "components"), file).split(path.sep)[0].replace(/\.ts$/, "");
    assert.ok(top in LAYERS, `components/${top} belongs to no layer: add it to LAYERS`);
    return { top, layer: LAYERS[top] };
};

function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

describe("layers", () => {
    it("every import in components/ runs toward an earlier layer or stays in its own", () => {
        const upward: string[] = [];
        for (const file of files(path.join(ROOT, "components"))) {
            const from = layerOf(file);
            const source = fs.readFileSync(file, "utf8");
            for (const m of source.matchAll(/(?:from|require\()\s*"(\.[^"]+)"/g)) {
                const target = path.resolve(path.dirname(file), m[1]);
                const to = layerOf(fs.existsSync(`${target}.ts`) || !fs.existsSync(target) ? `${target}.ts` : path.join(target, "index.ts"));
                if (to.layer > from.layer) upward.push(`${path.relative(ROOT, file)} imports ${m[1]} (${from.top} -> ${to.top})`);
            }
        }
        assert.deepEqual(upward, []);
    });
});
