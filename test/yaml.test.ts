// The YAML writer of the generated configuration files (components/generated/yaml.ts): what it
// writes, read back by the `yaml` package in YAML 1.2 and in YAML 1.1, and by Go's YAML reader in
// promtool, is what it was given. promtool reads its real output in
// generated.test.ts and observability.test.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { toYaml } from "../components/generated/yaml";
import { check } from "./tools";

const readBack = (text: string) => [YAML.parse(text, { version: "1.2" }), YAML.parse(text, { version: "1.1" })];

describe("the YAML writer of generated configuration", () => {
    it("writes nested objects and arrays in block style, with plain keys and quoted strings", () => {
        const doc = { global: { scrape_interval: "15s" }, rule_files: ["a.yml"], jobs: [{ name: "x", targets: ["x:1"], labels: { type: "redis" } }], n: 1, on_: true };
        assert.equal(
            toYaml(doc),
            [
                "global:",
                '  scrape_interval: "15s"',
                "rule_files:",
                '  - "a.yml"',
                "jobs:",
                '  - name: "x"',
                "    targets:",
                '      - "x:1"',
                "    labels:",
                '      type: "redis"',
                '"n": 1', // a plain n is false in YAML 1.1
                "on_: true",
                "",
            ].join("\n"),
        );
        for (const back of readBack(toYaml(doc))) assert.deepEqual(back, doc);
    });

    it("reads back every string as the same string, whatever YAML would make of it plain", () => {
        const strings = [
            "", "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "1", "1.0", "0x1f", "1e3", "0777", ".inf", "2026-11-25",
            "a: b", "- x", "#not a comment", "'single'", '"double"', "back\\slash", "tab\there", "two\nlines", "trailing ", " leading",
            "{{ $labels.service }} is down", "[x]", "{x}", "*alias", "&anchor", "!tag", "%directive", "@at", "`tick`", "|", ">",
            "nul\u0000", "bell\u0007", "del\u007f", "nel\u0085", "c1\u009b", "ls\u2028", "ps\u2029", "bom\ufeff", "é ü 日本 🚀",
        ];
        const doc = { values: strings, keyed: Object.fromEntries(strings.filter((s) => s !== "").map((s, i) => [s, i])) };
        for (const back of readBack(toYaml(doc))) assert.deepEqual(back, doc);
    });

    it("is read by Go's YAML reader as written: promtool fires an alert whose annotations are the awkward strings", () => {
        // The YAML package above is lenient where Go's reader is not: it rejects raw DEL and
        // C1 controls, and folds a raw NEL, LS or PS into a space. promtool reads the rules with
        // yaml.v2 and compares the fired alert's annotations with the expected ones, which the
        // test file spells in ASCII alone (every other character escaped), independently of
        // the writer. Annotations are Go templates, so none of these strings holds "{{".
        const awkward = ["yes", "No", "1.0", "~", "a: b", "#hash", "tab\there", "two\nlines", "del\u007f", "nel\u0085", "c1\u009b", "ls\u2028", "ps\u2029", "bom\ufeff", "é 日本 🚀"];
        const annotations = Object.fromEntries(awkward.map((s, i) => [`a${i}`, s]));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-yaml-"));
        try {
            fs.writeFileSync(path.join(dir, "rules.yml"), toYaml({ groups: [{ name: "g", rules: [{ alert: "Awkward", expr: "up == 0", annotations }] }] }));
            const escape = (c: string) => {
                const code = c.codePointAt(0)!;
                return code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
            };
            const ascii = (v: unknown) => JSON.stringify(v, null, 1).replace(/[^\n\x20-\x7e]/gu, escape);
            const test = {
                rule_files: ["rules.yml"],
                tests: [{ interval: "1m", input_series: [{ series: 'up{job="x"}', values: "0" }], alert_rule_test: [{ eval_time: "0m", alertname: "Awkward", exp_alerts: [{ exp_labels: { job: "x" }, exp_annotations: annotations }] }] }],
            };
            fs.writeFileSync(path.join(dir, "test.yml"), ascii(test));
            assert.match(check("promtool", ["test", "rules", path.join(dir, "test.yml")]), /SUCCESS/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps numbers, booleans, null and empty collections, and leaves out undefined keys as JSON does", () => {
        const doc = { int: 3, neg: -2, frac: 0.25, big: 1e21, t: true, f: false, nothing: null, list: [], map: {}, gone: undefined, nested: [[1, [2]], [{ a: [] }]] };
        const expected = JSON.parse(JSON.stringify(doc));
        for (const back of readBack(toYaml(doc))) assert.deepEqual(back, expected);
    });

    it("refuses what has no faithful YAML form here, naming where it is", () => {
        assert.throws(() => toYaml({ a: { b: NaN } }), /document\.a\.b: NaN has no YAML form/);
        assert.throws(() => toYaml({ a: [Infinity] }), /document\.a\[0\]: Infinity/);
        assert.throws(() => toYaml({ a: [undefined] }), /document\.a\[0\]: a undefined has no YAML form/);
        assert.throws(() => toYaml({ f: () => 1 }), /document\.f: a function has no YAML form/);
        assert.throws(() => toYaml({}), /empty YAML document/);
    });
});
