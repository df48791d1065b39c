// Go's view of YAML and JSON, as the Pulumi CLI sees a stack file: gopkg.in/yaml.v3 v3.0.1's
// resolution of plain scalars (resolve.go), the CLI's re-encoding of the decoded YAML, and Go's
// encoding/json and fmt formatting. Used by cli.ts, which applies the CLI's config rules.
import { Document, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";

/** message is the CLI's own text; prefix is what the CLI prints before it (print prefix + message);
 *  exact is false when the message only approximates the CLI's wording. */
export class CliConfigError extends Error {
    constructor(message: string, readonly prefix = "", readonly exact = true) {
        super(message);
        this.name = "CliConfigError";
    }
}
export const unsupported = (what: string) => new Error(`${what} is not supported by this loader (components/config/cli.ts)`);

/** time.Time as yaml.v3 decodes a plain timestamp: its String() and its RFC3339Nano (MarshalJSON) forms. */
export class GoTime { constructor(readonly str: string, readonly rfc3339: string) {} }
/** A decoded YAML value as Go holds it: int/uint64 as bigint, float64 as number, map[string]any as Map. */
export type GoValue = null | boolean | string | bigint | number | GoTime | GoValue[] | Map<string, GoValue>;

export const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;
export const isGoInt = (v: unknown): v is bigint => typeof v === "bigint" && v >= INT64_MIN && v <= INT64_MAX;
export const sorted = (keys: Iterable<string>) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))); // sort.Strings

// ---- YAML -> Go values: yaml.v3 resolve.go `resolve("", in)` for plain scalars ----
const SPECIAL = new Map<string, GoValue>([
    ...["", "~", "null", "Null", "NULL"].map((s): [string, GoValue] => [s, null]),
    ...["true", "True", "TRUE"].map((s): [string, GoValue] => [s, true]),
    ...["false", "False", "FALSE"].map((s): [string, GoValue] => [s, false]),
    ...[".nan", ".NaN", ".NAN"].map((s): [string, GoValue] => [s, NaN]),
    ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, GoValue] => [s, Infinity]),
    ...["-.inf", "-.Inf", "-.INF"].map((s): [string, GoValue] => [s, -Infinity]),
]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/; // yaml.v3 yamlStyleFloat

function resolvePlain(s: string): GoValue {
    if (SPECIAL.has(s)) return SPECIAL.get(s)!;
    if (s[0] === ".") { // strconv.ParseFloat (Go syntax: underscores between digits; out of range -> error)
        const f = /^\.\d+(_\d+)*([eE][-+]?\d+(_\d+)*)?$/.test(s) ? Number(s.replace(/_/g, "")) : NaN;
        return Number.isFinite(f) ? f : s;
    }
    if (!/^[-+0-9]/.test(s)) return s; // hints 'M' and none: only the table above
    const t = parseTimestamp(s);
    if (t) return t;
    const plain = s.replace(/_/g, "");
    const i = parseGoInt(plain);
    if (i !== undefined) return i;
    const f = YAML_FLOAT.test(plain) ? Number(plain) : NaN;
    return Number.isFinite(f) ? f : s;
}

/** strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): 0x/0o/0b prefixes, a leading 0 means octal. */
function parseGoInt(s: string): bigint | undefined {
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m) return undefined;
    const abs = /^0[0-7]+$/.test(m[2]) ? BigInt("0o" + m[2].slice(1)) : BigInt(m[2]);
    const v = m[1] === "-" ? -abs : abs;
    return v >= INT64_MIN && (v <= INT64_MAX || (m[1] === "" && v <= UINT64_MAX)) ? v : undefined;
}

// yaml.v3 parseTimestamp: "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2 15:4:5.999999999", "2006-1-2".
const TIMESTAMP = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:([Tt])| +)(\d\d?):(\d\d?):(\d\d?)(?:[.,](\d+))?(Z|[+-]\d\d:\d\d)?)?$/;
function parseTimestamp(s: string): GoTime | undefined {
    const m = TIMESTAMP.exec(s);
    if (!m || (m[5] !== undefined && !m[4] !== !m[9])) return undefined; // zone required after T, refused after a space
    const [y, mo, d, h, mi, sec] = [1, 2, 3, 5, 6, 7].map((i) => Number(m[i] ?? 0));
    const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] || h > 23 || mi > 59 || sec > 59) return undefined;
    if (m[9] && m[9] !== "Z") throw unsupported(`the timestamp '${s}' with a UTC offset (the CLI's text depends on the machine's zone)`);
    const p2 = (n: number) => String(n).padStart(2, "0");
    const frac = (m[8] ?? "").slice(0, 9).padEnd(9, "0").replace(/0+$/, "");
    const date = `${m[1]}-${p2(mo)}-${p2(d)}`, time = `${p2(h)}:${p2(mi)}:${p2(sec)}${frac ? "." + frac : ""}`;
    return new GoTime(`${date} ${time} +0000 UTC`, `${date}T${time}Z`);
}

/** yaml.v3 Unmarshal into `any`, then SimplifyMarshalledValue (string keys only). */
export function decodeYaml(text: string, prefix: string): GoValue {
    const doc = parseDocument(text.replace(/^\uFEFF/, ""), { schema: "failsafe" });
    if (doc.errors.length) throw new CliConfigError(`invalid YAML file: ${doc.errors[0].message}`, prefix, false);
    return toGo(doc.contents, doc, 0);
}
function toGo(node: unknown, doc: Document, depth: number): GoValue {
    if (depth > 500) throw unsupported("a YAML alias that contains itself");
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return toGo(node.resolve(doc), doc, depth + 1);
    const tag = (node as { tag?: string }).tag;
    if (tag && !(isScalar(node) && tag === "tag:yaml.org,2002:str")) throw unsupported(`the YAML tag ${tag}`);
    if (isScalar(node)) {
        const src = String(node.source ?? node.value ?? "");
        return node.type === "PLAIN" && !tag ? resolvePlain(src) : src; // quoted and block scalars stay strings
    }
    if (isSeq(node)) return node.items.map((n) => toGo(n, doc, depth + 1));
    if (!isMap(node)) throw unsupported("this YAML node");
    const out = new Map<string, GoValue>();
    for (const { key, value } of node.items) {
        if (isScalar(key) && key.type === "PLAIN" && key.source === "<<") throw unsupported("the YAML merge key <<");
        const k = toGo(key, doc, depth + 1);
        if (typeof k !== "string") throw new CliConfigError(`expected only string keys, got '${goPercentS(k)}'`);
        out.set(k, toGo(value, doc, depth + 1));
    }
    return out;
}

/** The loaders re-encode the decoded YAML once (yaml.v3 encodes floats with FormatFloat 'g'), so an
 *  integral float below 1e6 comes back as an int (1.0 -> 1, -0.0 -> 0). Also turns JS values into Go values. */
export function roundTrip(x: unknown): GoValue {
    if (x === null || typeof x === "string" || typeof x === "boolean" || typeof x === "bigint" || x instanceof GoTime) return x;
    if (typeof x === "number") return Number.isInteger(x) && Math.abs(x) < 1e6 ? BigInt(x) : x;
    if (Array.isArray(x)) return x.map(roundTrip);
    if (x instanceof Map) return new Map([...x].map(([k, v]): [string, GoValue] => [k, roundTrip(v)]));
    if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) return roundTrip(new Map(Object.entries(x)));
    throw new TypeError(`not a config value: ${String(x)}`);
}

// ---- Go formatting ----
export function goFormatG(f: number): string { // strconv.FormatFloat(f, 'g', -1, 64), as fmt's %v prints it
    if (!Number.isFinite(f)) return Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf";
    const [mant, e] = f.toExponential().split("e");
    const exp = Number(e);
    if (f !== 0 && (exp < -4 || exp >= 6)) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return Object.is(f, -0) ? "-0" : String(f);
}
export function goPercentS(v: GoValue): string { // fmt "%s" of a non-string map key
    if (v === null) return "%!s(<nil>)";
    if (typeof v === "boolean") return `%!s(bool=${v})`;
    if (typeof v === "bigint") return `%!s(${isGoInt(v) ? "int" : "uint64"}=${v})`;
    if (typeof v === "number") return `%!s(float64=${goFormatG(v)})`;
    if (v instanceof GoTime) return v.str;
    throw unsupported("a YAML collection used as a mapping key");
}
export function goTypeName(v: GoValue): string { // fmt "%T"
    if (v === null) return "<nil>";
    if (typeof v === "bigint") return isGoInt(v) ? "int" : "uint64";
    if (typeof v === "number") return "float64";
    if (typeof v === "boolean") return "bool";
    if (v instanceof GoTime) return "time.Time";
    return typeof v === "string" ? "string" : Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}
const goJSONString = (s: string) =>
    JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
export function goJSONNumber(f: number): string { // encoding/json floatEncoder (same cut-offs as JS String(n))
    if (!Number.isFinite(f)) throw new CliConfigError(`json: unsupported value: ${goFormatG(f)}`);
    return Object.is(f, -0) ? "-0" : String(f);
}
/** json.Marshal: compact, map keys sorted, < > & U+2028 U+2029 escaped. */
export function goJSON(v: GoValue): string {
    if (v === null) return "null";
    if (typeof v === "string") return goJSONString(v);
    if (typeof v === "boolean" || typeof v === "bigint") return String(v);
    if (typeof v === "number") return goJSONNumber(v);
    if (v instanceof GoTime) return goJSONString(v.rfc3339); // time.Time.MarshalJSON
    if (Array.isArray(v)) return `[${v.map(goJSON).join(",")}]`;
    return `{${sorted(v.keys()).map((k) => `${goJSONString(k)}:${goJSON(v.get(k)!)}`).join(",")}}`;
}

