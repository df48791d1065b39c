// A YAML writer for the configuration files Slipway generates (Prometheus, Grafana): plain data,
// objects, arrays, strings, finite numbers and booleans, in block style. The program used the
// `yaml` package for this, whose loading alone took about 13 ms of every preview (issue 11, on the
// bench machine); reading YAML is a harder job, which the program no longer does at run time
// either (config/load.ts).
//
// Every string value is written as a JSON string, which YAML reads as a double-quoted scalar:
// JSON's escapes (\" \\ \/ \b \f \n \r \t \uXXXX) are all YAML escapes, in YAML 1.2 (§5.7) and
// in 1.1, which Go's gopkg.in/yaml (Prometheus's and Grafana's reader) follows. So no value can
// turn into a number, a boolean or a null, or break the document, whatever it holds. JSON leaves
// a few characters raw that YAML reads otherwise, so those are escaped too: DEL and the C1
// controls are not printable in YAML (Go's reader refuses them), and NEL is a line break there,
// folded into a space inside a quoted scalar (test/yaml.test.ts has promtool show both). LS and
// PS, line breaks in YAML 1.1 though Go's reader keeps them, and the BOM are escaped as well.
// Keys that are plain words stay plain; any other key is quoted the same way.

/** Words YAML 1.1 reads as booleans or null when plain (gopkg.in/yaml.v2 resolve.go). */
const SPECIAL = /^(y|yes|n|no|true|false|on|off|null|~)$/i;

function quote(s: string): string {
    return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function key(k: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !SPECIAL.test(k) ? k : quote(k);
}

/** A scalar or an empty collection, on one line; undefined when the value needs lines of its own. */
function inline(v: unknown, at: string): string | undefined {
    if (v === null) return "null";
    if (typeof v === "string") return quote(v);
    if (typeof v === "boolean") return String(v);
    if (typeof v === "number") {
        if (!Number.isFinite(v)) throw new Error(`${at}: ${v} has no YAML form here`);
        return String(v);
    }
    if (Array.isArray(v)) return v.length === 0 ? "[]" : undefined;
    if (typeof v === "object") return Object.values(v as object).every((x) => x === undefined) ? "{}" : undefined;
    throw new Error(`${at}: a ${typeof v} has no YAML form`);
}

/** The lines of a non-empty collection, each indented by `pad`. */
function lines(v: unknown, pad: string, at: string): string[] {
    const out: string[] = [];
    if (Array.isArray(v)) {
        v.forEach((item: unknown, i: number) => {
            const one = inline(item, `${at}[${i}]`);
            if (one !== undefined) {
                out.push(`${pad}- ${one}`);
            } else {
                // A collection in a sequence starts on the dash's line ("- key: …"), its rest under it.
                const nested = lines(item, `${pad}  `, `${at}[${i}]`);
                out.push(`${pad}- ${nested[0].slice(pad.length + 2)}`, ...nested.slice(1));
            }
        });
        return out;
    }
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item === undefined) continue;
        const one = inline(item, `${at}.${k}`);
        if (one !== undefined) out.push(`${pad}${key(k)}: ${one}`);
        else out.push(`${pad}${key(k)}:`, ...lines(item, `${pad}  `, `${at}.${k}`));
    }
    return out;
}

/** A YAML document for `doc`, an object; keys whose value is undefined are left out, as in JSON. */
export function toYaml(doc: object): string {
    if (inline(doc, "document") !== undefined) throw new Error("document: an empty YAML document says nothing");
    return `${lines(doc, "", "document").join("\n")}\n`;
}
