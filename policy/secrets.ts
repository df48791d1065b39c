// Secrets: no generated value in a place that is never secret. A policy sees every value
// decrypted (@pulumi/policy deserialize.js unwraps secrets), so it cannot tell a secret input
// from a plain one; what it can check is that a generated value never lands where nothing is
// ever secret: names, labels, annotations, tags, ConfigMap data, and commands. In a preview of a
// new stack the generated values are not known yet; the check bites from the second preview on.
import { StackValidationPolicy } from "@pulumi/policy";

const GENERATORS = ["random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"];

/** Values of a resource that are plain text in the state and in every view of it. */
function plainPlaces(type: string, props: any): [string, unknown][] {
    const meta = props.metadata ?? {};
    const places: [string, unknown][] = [
        ["name", props.name],
        ["labels", props.labels],
        ["tags", props.tags],
        ["metadata.name", meta.name],
        ["metadata.labels", meta.labels],
        ["metadata.annotations", meta.annotations],
        ["description", props.description],
    ];
    if (type === "kubernetes:core/v1:ConfigMap") places.push(["data", props.data]);
    if (type === "command:local:Command") places.push(["create", props.create], ["environment", props.environment]);
    return places;
}

const strings = (v: unknown): string[] =>
    typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];

export const secretsPolicies: StackValidationPolicy[] = [
    {
        name: "no-generated-value-in-plain-text",
        description: "No generated credential appears in a name, label, annotation, tag, ConfigMap or command.",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            const generated = args.resources
                .filter((r) => GENERATORS.includes(r.type))
                .map((r) => r.props.result)
                .filter((v): v is string => typeof v === "string" && v.length >= 12);
            if (generated.length === 0) return;
            for (const r of args.resources) {
                if (GENERATORS.includes(r.type)) continue;
                for (const [place, value] of plainPlaces(r.type, r.props)) {
                    if (strings(value).some((s) => generated.some((g) => s.includes(g)))) report(`${r.type} ${r.name}: a generated value in ${place}`);
                }
            }
        },
    },
];
