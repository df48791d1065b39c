// Config values by their keys' declared types (keys.ts): the text the CLI hands the program
// parsed into values, and the values that are not of their key's type, or of no key at all.
import { CONFIG_KEYS, KeySpec, KeyType, KEYS, NS } from "./keys";
import { isObject, Report } from "./util";

/**
 * The `slipway:` values the CLI hands the program, parsed by each key's declared type. Every
 * value arrives as text (a scalar as its string, a list or map as JSON text; language host
 * pulumi-language-nodejs constructConfig), so a string key keeps its text whatever it looks
 * like: `1.33` stays "1.33" and `123` stays "123". Text that is not of its key's type, and
 * keys this program does not know, are passed on as text for `typeProblems` and validation to
 * report by name.
 */
export function parseConfigText(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(`${NS}:`)) continue;
        const key = fullKey.slice(NS.length + 1);
        const spec: KeySpec | undefined = (KEYS as Record<string, KeySpec>)[key];
        out[key] = spec ? (parseTyped(text, spec.type) ?? text) : text;
    }
    return out;
}

function parseTyped(text: string, type: KeyType): unknown {
    switch (type) {
        case "string":
            return text;
        case "integer":
            // The CLI's type check accepts what Go's strconv.Atoi does: an optional sign and digits.
            return /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
        case "boolean":
            return text === "true" ? true : text === "false" ? false : undefined;
        case "array":
        case "object": {
            try {
                return JSON.parse(text);
            } catch {
                return undefined;
            }
        }
    }
}

const WHAT: Record<KeyType, string> = { string: "a string", integer: "an integer", boolean: "true or false", array: "a list of strings", object: "a map" };

const OF_TYPE: Record<KeyType, (v: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    integer: (v) => Number.isSafeInteger(v),
    boolean: (v) => typeof v === "boolean",
    array: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    object: isObject,
};

/** Keys this program does not know, and values not of their key's declared type. */
export function typeProblems(config: Readonly<Record<string, unknown>>, problem: Report): void {
    for (const [key, value] of Object.entries(config)) {
        const spec: KeySpec | undefined = (KEYS as Record<string, KeySpec>)[key];
        if (!spec) problem(key, `unknown config key; known keys: ${CONFIG_KEYS.join(", ")}`);
        else if (value !== undefined && !OF_TYPE[spec.type](value)) problem(key, `${JSON.stringify(value)} is not ${WHAT[spec.type]}`);
    }
}
