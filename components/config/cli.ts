// What the Pulumi CLI (v3.250.0) hands a Node program as config, computed from Pulumi.yaml and
// Pulumi.<stack>.yaml without running the CLI: the `ns:key` -> text map that
// `pulumi.runtime.allConfig()` returns, the secret keys, or the CLI's refusal. For tests and the
// preflight script only; the program never uses it (the CLI does this for real). Mirrors, in
// pulumi/pulumi at tag v3.250.0 (GO = sdk/go/common):
//   GO/workspace/loaders.go  LoadProjectBytes, LoadProjectStackBytes, stackConfigNamespacedWithProject,
//                            checkForEmptyConfig
//   GO/workspace/project.go  ValidateProject + project.json (only `name` and `config`),
//                            RewriteShorthandConfigValues, SimplifyMarshalledValue, Project.Validate,
//                            ValidateConfigValue, InferFullTypeName, configKeyIsNamespacedByProject
//   GO/workspace/config.go   mergeConfig (validate=true), createConfigValue, validateStackConfigValue(s),
//                            formatMissingKeys, missingStackConfigurationKeysError, parseConfigKey
//   GO/resource/config/      key.go ParseKey, map.go Map.Get/UnmarshalYAML, object.go unmarshalObject/
//                            MarshalString/isSecureValue, plaintext.go marshalText
//   gopkg.in/yaml.v3 v3.0.1  resolve.go (plain scalars), encode.go (the loaders re-encode the YAML once),
//                            and Go's encoding/json and time.Time.String().
// Known gaps: a `{secure: …}` value's text is SECRET_PLACEHOLDER and its type is not checked (no
// decryption here); where the CLI picks at random (several invalid keys in Project.Validate, several
// null keys in the warning) this takes sorted order; errors of the CLI's JSON-schema validator and
// YAML parser are approximated (CliConfigError.exact = false). ESC `environment:`, stackConfigDir,
// property-path keys (`a.b`), YAML tags other than !!str, merge keys and timestamps with a UTC
// offset throw an Error saying they are not supported.
import * as fs from "fs";
import * as path from "path";
import { CliConfigError, decodeYaml, goJSON, goJSONNumber, GoTime, goTypeName, GoValue, isGoInt, roundTrip, sorted, unsupported } from "./cli-go";

/** The CLI wraps every mergeConfig error in this (pkg/cmd/pulumi/operations/up.go l.212). */
export const VALIDATING_STACK_CONFIG_PREFIX = "validating stack config: ";
/** Text given for a `{secure: <ciphertext>}` value: this loader cannot decrypt it. */
export const SECRET_PLACEHOLDER = "[secret]";

export { CliConfigError } from "./cli-go";
const nameOf = (key: string) => key.slice(key.indexOf(":") + 1);

export interface ItemsType { type: string; items?: ItemsType }
/** default/value hold Go values (GoValue): what the CLI holds after its YAML round trip. */
export interface ConfigDeclaration {
    type?: "string" | "integer" | "boolean" | "array" | "object"; items?: ItemsType; description?: string;
    secret?: boolean; default?: unknown; value?: unknown;
}
export interface Project { name: string; config: Record<string, ConfigDeclaration> } // after shorthand rewriting
/** A stack config value as the CLI stores it: text, and whether it is an object (JSON) value, and whether it is secure. */
export interface StackValue { text: string; object: boolean; secure: boolean }

// ---- stack values ----
const isSecure = (v: GoValue) => v instanceof Map && v.size === 1 && typeof v.get("secure") === "string"; // isSecureValue
/** unmarshalObject for an element of a list/map value: time.Time -> its String(); nested secrets refused. */
function objectPart(v: GoValue): GoValue {
    if (isSecure(v)) throw unsupported("a `secure:` value nested inside a list or map");
    if (v instanceof GoTime) return v.str;
    if (Array.isArray(v)) return v.map(objectPart);
    return v instanceof Map ? new Map([...v].map(([k, x]): [string, GoValue] => [k, objectPart(x)])) : v;
}
/** config.Value.UnmarshalYAML -> object.MarshalString (object.go l.404). */
function stackValueFromGo(v: GoValue): StackValue {
    if (v === null) return { text: "", object: false, secure: false }; // the zero config.Value
    if (isSecure(v)) return { text: SECRET_PLACEHOLDER, object: false, secure: true };
    if (typeof v === "string") return { text: v, object: false, secure: false };
    if (v instanceof GoTime) return { text: v.str, object: false, secure: false };
    if (Array.isArray(v) || v instanceof Map) return { text: goJSON(objectPart(v)), object: true, secure: false };
    return { text: goJSON(v), object: false, secure: false }; // bool, int64, uint64, float64
}
/** A value given as a JS value (as `pulumi config set` or a YAML value would set it). */
export function stackValueOf(value: unknown): StackValue {
    if (value === undefined) throw new TypeError("undefined is not a config value");
    return stackValueFromGo(roundTrip(value));
}
/** config.ParseKey: `ns:name`, or the legacy `ns:config:name`. */
function parseKey(s: string, prefix: string): string {
    const parts = s.split(":");
    if (parts.length === 2) return s;
    if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
    throw new CliConfigError(`could not parse ${s} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`, prefix);
}
/** checkForEmptyConfig (loaders.go l.411); the CLI lists the keys in Go map order, this sorts them. */
function emptyWarning(keys: string[]): string {
    const s = keys.length > 1 ? "s" : "";
    const list = keys.map((k) => `"${k}"`).join(keys.length === 2 ? " and " : ", ");
    return `No value for configuration key${s} ${list}. This is currently treated as an empty string \`""\`, ` +
        `but will be treated as \`null\` in a future version of pulumi.\nSet the value${s} to \`""\` to avoid this warning.`;
}

/** The `config:` map of Pulumi.<stack>.yaml (LoadProjectStackBytes). Keys in the result are `ns:name`. */
export function parseStackConfig(yamlText: string, projectName: string): { values: Record<string, StackValue>; warnings: string[] } {
    const mapPrefix = "invalid YAML file: could not unmarshal map: "; // Map.UnmarshalYAML, then the YAML marshaller
    const values: Record<string, StackValue> = {}, warnings: string[] = [];
    const raw = decodeYaml(yamlText, "");
    if (raw === null) return { values, warnings }; // an empty stack file
    if (!(raw instanceof Map)) throw new CliConfigError(`expected project to be an object, was '${goTypeName(raw)}'`);
    if ((raw.get("environment") ?? null) !== null) throw unsupported("ESC `environment:` in the stack file");
    const config = raw.get("config") ?? null;
    if (config === null) return { values, warnings };
    if (!(config instanceof Map)) throw new CliConfigError(`cannot unmarshal ${goTypeName(config)} into config.Map`, mapPrefix, false);
    const empty: string[] = [], seen = new Map<string, string>();
    for (const [written, v] of config) {
        const namespaced = written.includes(":") ? written : `${projectName}:${written}`; // stackConfigNamespacedWithProject
        const key = parseKey(namespaced, mapPrefix);
        if (seen.has(key)) throw unsupported(`two stack keys for ${key} ('${seen.get(key)}' and '${written}'; the CLI keeps one at random)`);
        seen.set(key, written);
        if (v === null) empty.push(namespaced);
        try {
            values[key] = stackValueFromGo(roundTrip(v));
        } catch (e) {
            throw e instanceof CliConfigError && !e.prefix ? new CliConfigError(e.message, mapPrefix) : e;
        }
    }
    if (empty.length) warnings.push(emptyWarning(sorted(empty)));
    return { values, warnings };
}

// ---- Pulumi.yaml ----
const TYPES = ["string", "integer", "boolean", "array", "object"];
const DECL_KEYS = ["type", "items", "description", "secret", "default", "value"];
const isProjectKey = (project: string, key: string) => !key.includes(":") || key.startsWith(project + ":"); // configKeyIsNamespacedByProject
const itemsProblem = (x: GoValue): boolean => // project.json $defs/configItemsType
    !(x instanceof Map) || !TYPES.includes(x.get("type") as string) || (x.get("type") === "array" && !x.has("items")) ||
    (x.has("items") && itemsProblem(x.get("items")!));
/** project.json `config.additionalProperties`: string | integer | boolean | array | configTypeDeclaration. */
function schemaProblem(key: string, v: GoValue): string | undefined {
    if (v instanceof GoTime) throw unsupported(`the timestamp given for config '${key}' in Pulumi.yaml`);
    if (key === "secret") return typeof v === "boolean" ? undefined : "expected boolean";
    if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint" || Array.isArray(v)) return undefined;
    if (typeof v === "number") return Number.isInteger(v) ? undefined : "oneOf failed (a float is not allowed in the short form)";
    if (v === null) return "oneOf failed (a null value is not allowed)";
    for (const [k, x] of v) {
        if (!DECL_KEYS.includes(k)) return `oneOf failed: '${k}' not allowed`;
        if ((k === "type" && !TYPES.includes(x as string)) || (k === "items" && itemsProblem(x)) ||
            (k === "description" && typeof x !== "string") || (k === "secret" && typeof x !== "boolean")) return `oneOf failed: invalid '${k}'`;
    }
    return undefined;
}
const toItems = (m: Map<string, GoValue>): ItemsType =>
    m.get("items") instanceof Map ? { type: m.get("type") as string, items: toItems(m.get("items") as Map<string, GoValue>) } : { type: m.get("type") as string };
/** The ProjectConfigType that yaml.v3 decodes from a (rewritten) declaration. */
function toDecl(d: Map<string, GoValue>): ConfigDeclaration {
    const out: ConfigDeclaration = {};
    if (typeof d.get("type") === "string") out.type = d.get("type") as ConfigDeclaration["type"];
    if (d.get("items") instanceof Map) out.items = toItems(d.get("items") as Map<string, GoValue>);
    if (typeof d.get("description") === "string") out.description = d.get("description") as string;
    if (d.get("secret") === true) out.secret = true;
    const def = roundTrip(d.get("default") ?? null), val = roundTrip(d.get("value") ?? null);
    if (def !== null) out.default = def; // `default: null` counts as no default
    if (val !== null) out.value = val;
    return out;
}
/** Project.Validate (project.go l.820), for one key. */
function declProblem(project: string, key: string, d: ConfigDeclaration): string | undefined {
    if (d.default !== undefined && d.value !== undefined) return `project config '${key}' cannot have both a 'default' and 'value' attribute`;
    if (isProjectKey(project, key)) {
        if (d.type === "array" && !d.items)
            return `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`;
        if (d.type !== undefined && d.default !== undefined && !validateConfigValue(d.type, d.items, roundTrip(d.default)))
            return `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(d.type, d.items)}'`;
        return undefined;
    }
    if (d.type !== undefined) return `Configuration key '${key}' is not namespaced by the project and should not define a type`;
    if (d.default !== undefined)
        return `Configuration key '${key}' is not namespaced by the project and should not define a default value. ` +
            "Did you mean to use the 'value' attribute instead of 'default'?";
    if (d.value === undefined) return `Configuration key '${key}' is namespaced and must provide an attribute 'value'`;
    return undefined;
}

/** Pulumi.yaml as LoadProjectBytes reads it: schema check, shorthand rewrite, Project.Validate. */
export function parseProject(yamlText: string, file = "Pulumi.yaml"): Project {
    const schemaPrefix = `could not validate '${file}': `, loadPrefix = `could not unmarshal '${file}': `;
    const raw = decodeYaml(yamlText, loadPrefix);
    if (!(raw instanceof Map)) throw new CliConfigError(`expected project to be an object, was '${goTypeName(raw)}'`, schemaPrefix);
    const name = raw.get("name");
    if (name === undefined) throw new CliConfigError("project is missing a 'name' attribute", schemaPrefix, false); // + "; found 'x' instead"
    if (typeof name !== "string" || name === "") throw new CliConfigError("project is missing a non-empty string 'name' attribute", schemaPrefix);
    const config = raw.get("config") ?? new Map<string, GoValue>();
    if ((raw.get("stackConfigDir") ?? null) !== null || typeof config === "string") throw unsupported("stackConfigDir (or the legacy `config: <dir>`)");
    if (!(config instanceof Map)) throw new CliConfigError("#/config: expected object, string or null", schemaPrefix, false);
    const entries: [string, ConfigDeclaration][] = [];
    for (const key of sorted(config.keys())) {
        const v = config.get(key)!;
        const problem = schemaProblem(key, v);
        if (problem) throw new CliConfigError(`#/config/${key}: ${problem}`, schemaPrefix, false);
        if (typeof v === "string" || typeof v === "boolean" || isGoInt(v) || Array.isArray(v)) // RewriteShorthandConfigValues
            entries.push([key, toDecl(new Map([[isProjectKey(name, key) ? "default" : "value", v]]))]);
        else if (v instanceof Map) entries.push([key, toDecl(v)]);
        else throw new CliConfigError(`yaml: unmarshal errors: cannot unmarshal !!${typeof v === "number" ? "float" : "int"} into workspace.ProjectConfigType (config '${key}')`, "", false);
    }
    // Project.Validate walks a Go map, so with several bad keys the CLI reports any one; this reports the first in sorted order.
    for (const [key, d] of entries) {
        const problem = declProblem(name, key, d);
        if (problem) throw new CliConfigError(problem, loadPrefix);
    }
    return { name, config: Object.fromEntries(entries) };
}

// ---- mergeConfig ----
export function inferFullTypeName(typeName: string, items?: ItemsType): string { // InferFullTypeName
    return items ? `array<${inferFullTypeName(items.type, items.items)}>` : typeName;
}
/** ValidateConfigValue (project.go l.754): v is a Go string for scalar stack values, json.Unmarshal output for objects. */
export function validateConfigValue(typeName: string, items: ItemsType | undefined, v: GoValue): boolean {
    switch (typeName) {
        case "string": return typeof v === "string";
        case "integer": // Go int; a float64 equal to its Trunc; a string strconv.Atoi takes
            return isGoInt(v) || (typeof v === "number" && Math.trunc(v) === v) || (typeof v === "string" && /^[-+]?\d+$/.test(v) && isGoInt(BigInt(v)));
        case "boolean": return v === "true" || v === "false" || typeof v === "boolean";
        case "object": return v instanceof Map;
    }
    return Array.isArray(v) && items !== undefined && v.every((x) => validateConfigValue(items.type, items.items, x));
}
const fromJSON = (x: unknown): GoValue => // json.Unmarshal into any: numbers are float64
    Array.isArray(x) ? x.map(fromJSON) : x !== null && typeof x === "object" ? new Map(Object.entries(x).map(([k, v]): [string, GoValue] => [k, fromJSON(v)])) : (x as GoValue);
/** config.go createConfigValue: string/int/bool via %v; anything else as JSON (an object value). */
function createConfigValue(v: GoValue): StackValue {
    if (typeof v === "string" || typeof v === "boolean" || isGoInt(v)) return { text: String(v), object: false, secure: false };
    return { text: goJSON(v), object: true, secure: false };
}
/** What the program receives: Map.Decrypt re-reads object values (json.Number -> int64, else float64) and
 *  Plaintext.marshalText writes them again; a JSON string comes back bare. */
function runtimeText(v: StackValue): string {
    if (!v.object) return v.text;
    const top: unknown = JSON.parse(v.text);
    if (typeof top === "string") return top;
    return v.text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, (t) =>
        t[0] === '"' ? t : /^-?\d+$/.test(t) && isGoInt(BigInt(t)) ? BigInt(t).toString() : goJSONNumber(Number(t)));
}
function formatMissingKeys(keys: string[]): string { // config.go formatMissingKeys
    if (keys.length === 1) return `'${keys[0]}'`;
    return sorted(keys).map((k, i, a) => (i === a.length - 1 ? `and '${k}'` : i === a.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}

/** mergeConfig with validate=true (config.go l.250). stackName is the short name, e.g. `dev`. */
export function applyProjectConfig(project: Project, stackName: string, stack: Record<string, StackValue>): { config: Record<string, string>; secretKeys: string[] } {
    const fail = (message: string) => new CliConfigError(message, VALIDATING_STACK_CONFIG_PREFIX);
    const cfg = new Map(Object.entries(stack));
    const keys = sorted(Object.keys(project.config)), stackKey = new Map<string, string>(), missing: string[] = [];
    for (const k of keys) {
        const d = project.config[k];
        const key = k.includes(":") ? parseKey(k, VALIDATING_STACK_CONFIG_PREFIX) : `${project.name}:${k}`; // parseConfigKey
        if (nameOf(key) === "" || /[.[]/.test(nameOf(key))) throw unsupported(`the config key '${k}' (a property path)`); // Map.Get(key, path=true)
        stackKey.set(k, key);
        const def = roundTrip(d.default ?? null), val = roundTrip(d.value ?? null);
        if (cfg.has(key)) continue; // a stack value wins over default and value
        if (def === null && val === null) {
            if (key.slice(0, key.indexOf(":")) === project.name) missing.push(k);
            continue;
        }
        try {
            cfg.set(key, createConfigValue(def !== null ? def : val)); // default wins over value
        } catch (e) {
            throw e instanceof CliConfigError ? fail(e.message) : e;
        }
    }
    if (missing.length) throw fail(`Stack '${stackName}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatMissingKeys(missing)}`);
    for (const k of keys) { // validateStackConfigValues: typed keys only, first failure only, secret before type
        const d = project.config[k];
        if (d.type === undefined) continue;
        const sv = cfg.get(stackKey.get(k)!) ?? { text: "", object: false, secure: false };
        if (d.secret && !sv.secure) throw fail(`Stack '${stackName}' with configuration key '${k}' must be encrypted as it's secret`);
        if (sv.secure && sv.text === SECRET_PLACEHOLDER) continue; // ciphertext: cannot decrypt, so cannot check its type
        const content = sv.object ? fromJSON(JSON.parse(sv.text)) : sv.text;
        if (!validateConfigValue(d.type, d.items, content))
            throw fail(`Stack '${stackName}' with configuration key '${k}' must be of type '${inferFullTypeName(d.type, d.items)}'`);
    }
    const out = sorted(cfg.keys());
    return { config: Object.fromEntries(out.map((k) => [k, runtimeText(cfg.get(k)!)])), secretKeys: out.filter((k) => cfg.get(k)!.secure) };
}

/** Pulumi.yaml + Pulumi.<stack>.yaml (missing = empty, as `pulumi stack init` leaves it) + overrides
 *  (`ns:key` or bare `key` for the project namespace; they replace stack values as `pulumi config set` would). */
export function loadStack(projectDir: string, stackName: string, overrides: Record<string, unknown> = {}): { config: Record<string, string>; secretKeys: string[]; warnings: string[] } {
    const projectFile = path.resolve(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) {
        if (["Pulumi.yml", "Pulumi.json"].some((f) => fs.existsSync(path.join(projectDir, f)))) throw unsupported("Pulumi.yml / Pulumi.json");
        throw new Error(`no Pulumi.yaml in ${projectDir}`);
    }
    const project = parseProject(fs.readFileSync(projectFile, "utf8"), projectFile);
    const short = stackName.split("/").pop()!;
    const stackFile = path.join(path.dirname(projectFile), `Pulumi.${short}.yaml`);
    const { values, warnings } = fs.existsSync(stackFile) ? parseStackConfig(fs.readFileSync(stackFile, "utf8"), project.name) : { values: {}, warnings: [] };
    for (const [k, v] of Object.entries(overrides)) {
        const key = k.includes(":") ? parseKey(k, "") : `${project.name}:${k}`;
        if (nameOf(key) === "" || /[.[]/.test(nameOf(key))) throw unsupported(`the override key '${k}' (a property path, as with \`pulumi config set --path\`)`);
        values[key] = stackValueOf(v);
    }
    return { ...applyProjectConfig(project, short, values), warnings };
}
