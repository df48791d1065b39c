// components/config/cli.ts against the Pulumi CLI's own config cases (pulumi/pulumi v3.250.0,
// sdk/go/common/workspace/project_test.go and config_test.go: project `test`, stack `dev`) and the
// value-resolution table of /work/notes/cli-config-facts.md section 3. Every expected value is a literal.
// Cases marked "derived" follow from the Go source, not from a pulumi test.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    applyProjectConfig, CliConfigError, loadStack, parseProject, parseStackConfig, SECRET_PLACEHOLDER, stackValueOf,
    StackValue, VALIDATING_STACK_CONFIG_PREFIX,
} from "../components/config/cli";

const STACK_MAP_PREFIX = "invalid YAML file: could not unmarshal map: ";
const projectYaml = (config: string[]) =>
    "name: test\nruntime: nodejs\n" + (config.length ? "config:\n" + config.map((l) => `  ${l}\n`).join("") : "");
const stackYaml = (config: string[]) => (config.length ? "config:\n" + config.map((l) => `  ${l}\n`).join("") : "");
const merge = (project: string[], stack: string[]) =>
    applyProjectConfig(parseProject(projectYaml(project)), "dev", parseStackConfig(stackYaml(stack), "test").values);

function assertCliError(fn: () => unknown, message: string, prefix?: string) {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof CliConfigError, `expected a CliConfigError, got ${String(e)}`);
        assert.equal(e.message, message);
        if (prefix !== undefined) assert.equal(e.prefix, prefix);
        return true;
    });
}
const assertUnsupported = (fn: () => unknown) =>
    assert.throws(fn, (e: unknown) => e instanceof Error && !(e instanceof CliConfigError) && /not supported by this loader/.test(e.message));

interface MergeCase { name: string; project: string[]; stack: string[]; config?: Record<string, string>; secretKeys?: string[]; error?: string }

// Fact sheet section 4 (the pulumi test of the same name), then derived cases from section 1.
const MERGE_CASES: MergeCase[] = [
    {
        name: "TestStackConfigIsInheritedFromProjectConfig",
        project: ["instanceSize: t3.micro", "instanceCount: 20", "protect: true"], stack: ["test:instanceSize: t4.large"],
        config: { "test:instanceCount": "20", "test:instanceSize": "t4.large", "test:protect": "true" },
    },
    {
        name: "TestNamespacedConfigValuesAreInheritedCorrectly",
        project: ["aws:region: us-west-1", 'pulumi:disable-default-providers: ["*"]', "instanceSize: t3.micro"],
        stack: ["test:instanceSize: t4.large"],
        config: { "aws:region": "us-west-1", "pulumi:disable-default-providers": '["*"]', "test:instanceSize": "t4.large" },
    },
    {
        name: "TestLoadingStackConfigWithoutNamespacingTheProject",
        project: ["aws:region: us-west-1", "instanceSize: t3.micro"], stack: ["instanceSize: t4.large"],
        config: { "aws:region": "us-west-1", "test:instanceSize": "t4.large" },
    },
    {
        name: "TestUntypedProjectConfigValuesAreNotValidated",
        project: ["instanceSize: t3.micro", "aws:region: us-west-1"], stack: ["instanceSize: 9999", "aws:region: 42"],
        config: { "aws:region": "42", "test:instanceSize": "9999" },
    },
    {
        name: "TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue",
        project: ["instanceSize: {default: t3.micro}", "region: {value: us-west-1}"], stack: ["aws:answer: 42"],
        config: { "aws:answer": "42", "test:instanceSize": "t3.micro", "test:region": "us-west-1" },
    },
    {
        name: "TestUntypedStackConfigValuesDoNeedProjectDeclaration",
        project: ["createVpc: true"], stack: ["instanceSize: 42"],
        config: { "test:createVpc": "true", "test:instanceSize": "42" },
    },
    {
        name: "TestUntypedProjectConfigObjectValuesPassedDownToStack",
        project: ["instanceSize: {value: {hello: world}}", "aws:config: {value: {region: us-west-1}}"], stack: ["aws:whatever: 42"],
        config: { "aws:config": '{"region":"us-west-1"}', "aws:whatever": "42", "test:instanceSize": '{"hello":"world"}' },
    },
    {
        name: "TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped",
        project: ["values: {type: array, items: {type: string}, default: [value]}"], stack: ["test:values: someValue"],
        error: "Stack 'dev' with configuration key 'values' must be of type 'array<string>'",
    },
    {
        name: "TestStackConfigIntegerTypeIsCorrectlyValidated (valid)",
        project: ["importantNumber: {type: integer}"], stack: ["test:importantNumber: 20"], config: { "test:importantNumber": "20" },
    },
    {
        name: "TestStackConfigIntegerTypeIsCorrectlyValidated (invalid)",
        project: ["importantNumber: {type: integer}"], stack: ["test:importantNumber: hello"],
        error: "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'",
    },
    {
        name: "TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault",
        project: ["values: {type: array, items: {type: string}}"], stack: [],
        error: "Stack 'dev' is missing configuration value 'values'",
    },
    {
        name: "TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault",
        project: ["another: {type: string}", "values: {type: array, items: {type: string}}"], stack: [],
        error: "Stack 'dev' is missing configuration values 'another' and 'values'",
    },
    {
        name: "TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault",
        project: ["hello: {type: integer}", "values: {type: array, items: {type: string}}", "world: {type: string}"], stack: [],
        error: "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
    },
    {
        name: "TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig",
        project: [], stack: ["hello: 21", "world: 42", "another: 42"],
        config: { "test:another": "42", "test:hello": "21", "test:world": "42" },
    },
    {
        name: "TestStackConfigSecretIsCorrectlyValidated (secure)",
        project: ["importantNumber: {type: integer, secret: true}"], stack: ["test:importantNumber: {secure: AAABAC8mJ0Vmi4kvMoWh+cxLDBFiqPZmnw==}"],
        config: { "test:importantNumber": SECRET_PLACEHOLDER }, secretKeys: ["test:importantNumber"],
    },
    {
        name: "TestStackConfigSecretIsCorrectlyValidated (plain)",
        project: ["importantNumber: {type: integer, secret: true}"], stack: ["test:importantNumber: 20"],
        error: "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret",
    },
    {
        name: "TestStackConfigUInt64",
        project: [], stack: ["test:instanceSize: 18446744073709551615"], config: { "test:instanceSize": "18446744073709551615" },
    },
    // derived from mergeConfig / validateStackConfigValues (fact sheet section 1)
    {
        name: "four missing keys: no Oxford comma",
        project: ["d: {type: string}", "b: {type: string}", "c: {type: string}", "a: {type: string}"], stack: [],
        error: "Stack 'dev' is missing configuration values 'a', 'b', 'c' and 'd'",
    },
    {
        name: "a missing key is spelled as written in Pulumi.yaml",
        project: ["test:region: {type: string}"], stack: [], error: "Stack 'dev' is missing configuration value 'test:region'",
    },
    {
        name: "missing keys are reported before type errors",
        project: ["a: {type: integer}", "b: {type: string}"], stack: ["a: x"], error: "Stack 'dev' is missing configuration value 'b'",
    },
    {
        name: "only the first failing key, in sorted order",
        project: ["beta: {type: integer}", "alpha: {type: integer}"], stack: ["alpha: x", "beta: y"],
        error: "Stack 'dev' with configuration key 'alpha' must be of type 'integer'",
    },
    {
        name: "keys sort in byte order (Z before a)",
        project: ["alpha: {type: integer}", "Zeta: {type: integer}"], stack: ["alpha: x", "Zeta: y"],
        error: "Stack 'dev' with configuration key 'Zeta' must be of type 'integer'",
    },
    {
        name: "the secret check comes before the type check",
        project: ["n: {type: integer, secret: true}"], stack: ["n: abc"],
        error: "Stack 'dev' with configuration key 'n' must be encrypted as it's secret",
    },
    {
        name: "a typed secret key filled from its default is not encrypted",
        project: ["token: {type: string, secret: true, default: x}"], stack: [],
        error: "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    },
    {
        name: "secret is not enforced on an untyped key",
        project: ["token: {secret: true}"], stack: ["token: plain"], config: { "test:token": "plain" },
    },
    {
        name: "a stack value wins over the project `value`",
        project: ["region: {value: a}"], stack: ["region: b"], config: { "test:region": "b" },
    },
    {
        name: "typed defaults are written in and then checked",
        project: [
            "size: {type: string, default: small}", "azCount: {type: integer, default: 2}", "multiAz: {type: boolean, default: false}",
            'kubernetesVersion: {type: string, default: "1.33"}', "adminCidrs: {type: array, items: {type: string}, default: [10.0.0.0/8]}",
        ],
        stack: [],
        config: {
            "test:adminCidrs": '["10.0.0.0/8"]', "test:azCount": "2", "test:kubernetesVersion": "1.33", "test:multiAz": "false", "test:size": "small",
        },
    },
    {
        name: "default: \"\" counts as a default",
        project: ['empty: {type: string, default: ""}'], stack: [], config: { "test:empty": "" },
    },
    {
        name: "default: null counts as no default",
        project: ["nothing: {type: string, default: null}"], stack: [], error: "Stack 'dev' is missing configuration value 'nothing'",
    },
    {
        name: "float and whole-float defaults (createConfigValue)",
        project: ["ratio: {default: 1.5}", "whole: {default: 1.0}", "list: {default: [hello]}"], stack: [],
        config: { "test:list": '["hello"]', "test:ratio": "1.5", "test:whole": "1" },
    },
    {
        name: "type string with an int `value` passes (written with %v)",
        project: ["s: {type: string, value: 5}"], stack: [], config: { "test:s": "5" },
    },
    {
        name: "type string with a float `value` fails (written as JSON)",
        project: ["s: {type: string, value: 1.5}"], stack: [], error: "Stack 'dev' with configuration key 's' must be of type 'string'",
    },
    {
        name: "a whole float below 1e6 comes back from the CLI's YAML re-encode as an int (%v, passes type string)",
        project: ["s: {type: string, value: 5000.0}"], stack: [], config: { "test:s": "5000" },
    },
    {
        name: "a whole float of 1e6 or more stays a float (JSON, fails type string)",
        project: ["s: {type: string, value: 2000000.0}"], stack: [], error: "Stack 'dev' with configuration key 's' must be of type 'string'",
    },
    {
        name: "an object stack value reaches the program re-marshalled: uint64 inside becomes a float",
        project: [], stack: ["big: [18446744073709551615, 9223372036854775807]"],
        config: { "test:big": "[18446744073709552000,9223372036854775807]" },
    },
    {
        name: "an untyped timestamp default is JSON-marshalled (RFC 3339) and reaches the program bare",
        project: ["day: {default: 2024-01-01}"], stack: [], config: { "test:day": "2024-01-01T00:00:00Z" },
    },
];

// ValidateConfigValue through the stack (fact sheet section 1 table): declaration, stack YAML, passes?
const TYPE_CASES: [string, string, boolean][] = [
    ["{type: string}", "2", true], ["{type: string}", "true", true], ["{type: string}", "1.5", true],
    ["{type: string}", "[a]", false], ["{type: string}", "{a: 1}", false],
    ["{type: integer}", "2", true], ['{type: integer}', '"2"', true], ['{type: integer}', '"-3"', true], ['{type: integer}', '"+2"', true],
    ['{type: integer}', '"007"', true], ["{type: integer}", "1e3", true], ["{type: integer}", "9223372036854775807", true],
    ["{type: integer}", "9223372036854775808", false], ["{type: integer}", "1.5", false], ["{type: integer}", "abc", false],
    ['{type: integer}', '""', false], ['{type: integer}', '"true"', false], ['{type: integer}', '" 2"', false],
    ["{type: boolean}", "true", true], ["{type: boolean}", "True", true], ["{type: boolean}", "FALSE", true],
    ["{type: boolean}", "yes", false], ["{type: boolean}", "1", false], ['{type: boolean}', '"True"', false],
    ["{type: object}", "{a: 1}", true], ["{type: object}", "[1]", false], ["{type: object}", `'{"a":1}'`, false], ["{type: object}", "x", false],
    ["{type: array, items: {type: string}}", "[a, b]", true], ["{type: array, items: {type: string}}", "[]", true],
    ["{type: array, items: {type: string}}", "[1, 2]", false], ["{type: array, items: {type: string}}", "x", false],
    ['{type: array, items: {type: integer}}', '["1"]', true], ["{type: array, items: {type: integer}}", "[1, 2.0]", true],
    ["{type: array, items: {type: integer}}", "[1.5]", false],
    ['{type: array, items: {type: boolean}}', '["true"]', true], ["{type: array, items: {type: boolean}}", "[true]", true],
    ["{type: array, items: {type: boolean}}", "[yes]", false],
    ["{type: array, items: {type: object}}", "[{a: 1}]", true], ["{type: array, items: {type: object}}", "[a]", false],
    ["{type: array, items: {type: array, items: {type: string}}}", "[[a], []]", true],
    ["{type: array, items: {type: array, items: {type: string}}}", "[a]", false],
];
const TYPE_NAMES: Record<string, string> = {
    "{type: string}": "string", "{type: integer}": "integer", "{type: boolean}": "boolean", "{type: object}": "object",
    "{type: array, items: {type: string}}": "array<string>", "{type: array, items: {type: integer}}": "array<integer>",
    "{type: array, items: {type: boolean}}": "array<boolean>", "{type: array, items: {type: object}}": "array<object>",
    "{type: array, items: {type: array, items: {type: string}}}": "array<array<string>>",
};

// Pulumi.yaml rejected at load (project_test.go; fact sheet section 2).
const PROJECT_ERRORS: [string, string[], string][] = [
    ["TestProjectConfigCannotHaveBothValueAndDefault", ["instanceSize: {type: string, default: t3.micro, value: t4.large}"],
        "project config 'instanceSize' cannot have both a 'default' and 'value' attribute"],
    ["TestProjectConfigCannotBeTypedArrayWithoutItems", ["instanceSize: {type: array, default: [hello]}"],
        "The configuration key 'instanceSize' declares an array but does not specify the underlying type via the 'items' attribute"],
    ["TestProjectValidationFailsForIncorrectDefaultValueType (integer)", ["instanceSize: {type: integer, default: hello}"],
        "The default value specified for configuration key 'instanceSize' is not of the expected type 'integer'"],
    ["TestProjectValidationFailsForIncorrectDefaultValueType (array<array<string>>)",
        ["values: {type: array, items: {type: array, items: {type: string}}, default: [hello]}"],
        "The default value specified for configuration key 'values' is not of the expected type 'array<array<string>>'"],
    ["type string, default 2 (raw YAML types are checked)", ["size: {type: string, default: 2}"],
        "The default value specified for configuration key 'size' is not of the expected type 'string'"],
    ["type boolean, default yes", ["flag: {type: boolean, default: yes}"],
        "The default value specified for configuration key 'flag' is not of the expected type 'boolean'"],
    ["TestNamespacedProjectConfigShouldNotBeExplicitlyTyped", ["aws:region: {type: string, value: {hello: world}}"],
        "Configuration key 'aws:region' is not namespaced by the project and should not define a type"],
    ["TestNamespacedProjectConfigShouldNotBeProvideDefault", ["aws:region: {default: us-west-1}"],
        "Configuration key 'aws:region' is not namespaced by the project and should not define a default value. " +
        "Did you mean to use the 'value' attribute instead of 'default'?"],
    ["a namespaced key without value", ["aws:region: {description: where}"],
        "Configuration key 'aws:region' is namespaced and must provide an attribute 'value'"],
];

// Pulumi.yaml accepted, with the declarations it yields (TestProjectLoadsConfigSchemas and section 2).
const PROJECT_OK: [string, string[], Record<string, unknown>][] = [
    ["TestProjectLoadsConfigSchemas", [
        "integerSchemaSimple: 20", "integerSchemaFull: {type: integer, description: a number, default: 1}",
        "boolSchema: {type: boolean, default: true}", "arraySchema: {type: array, items: {type: string}, default: [hello]}",
        "arrayOfArrays: {type: array, items: {type: array, items: {type: string}}}", "secretString: {type: string, secret: true}",
    ], {
        integerSchemaSimple: { default: 20n }, integerSchemaFull: { type: "integer", description: "a number", default: 1n },
        boolSchema: { type: "boolean", default: true }, arraySchema: { type: "array", items: { type: "string" }, default: ["hello"] },
        arrayOfArrays: { type: "array", items: { type: "array", items: { type: "string" } } }, secretString: { type: "string", secret: true },
    }],
    ["TestProjectValidationSucceedsForObjectConfigType", ["instanceSize: {type: object, default: {hello: world}}"],
        { instanceSize: { type: "object", default: new Map([["hello", "world"]]) } }],
    ["type integer, default \"2\" and type boolean, default \"true\" pass", ['n: {type: integer, default: "2"}', 'b: {type: boolean, default: "true"}'],
        { n: { type: "integer", default: "2" }, b: { type: "boolean", default: "true" } }],
    ["defaults after the YAML re-encode: whole floats below 1e6 become ints", ["a: {default: 1.0}", "b: {default: 5000.0}", "c: {default: 2000000.0}", "d: {default: 1.5}"],
        { a: { default: 1n }, b: { default: 5000n }, c: { default: 2000000 }, d: { default: 1.5 } }],
    ["shorthand: project keys get default, namespaced keys get value", ["size: small", "aws:region: us-west-2", "zones: [a, b]"],
        { size: { default: "small" }, "aws:region": { value: "us-west-2" }, zones: { default: ["a", "b"] } }],
];

// Stack YAML value -> text the program gets (fact sheet section 3; the timestamp rows are derived, see below).
const SCALARS: [string, string, boolean?][] = [
    ["3", "3"], ["1.30", "1.3"], ["1.10", "1.1"], ["1.0", "1"], ['"1.30"', "1.30"], ["'2'", "2"], ['"1.33"', "1.33"],
    ["true", "true"], ["True", "true"], ["TRUE", "true"], ["False", "false"], ["yes", "yes"], ["on", "on"], ["no", "no"],
    ["1e3", "1000"], ["1e21", "1e+21"], ["1e-7", "1e-7"], ["0x1F", "31"], ["0X1F", "31"], ["0o17", "15"], ["017", "15"], ["1_000", "1000"], ["08", "8"],
    ["18446744073709551615", "18446744073709551615"], ["99999999999999999999", "100000000000000000000"], ["-0.0", "0"],
    ["0b101", "5"], ["+5", "5"], [".5", "0.5"], ["12:30", "12:30"], ["a & b", "a & b"],
    // yaml.v3 decodes an unquoted date into time.Time (its decode_test "implicit timestamp tag into interface"),
    // and config/object.go unmarshalObject stores time.Time as v.String(). Quoted, it stays as written.
    ["2024-01-01", "2024-01-01 00:00:00 +0000 UTC"], ['"2024-01-01"', "2024-01-01"], ["2024-02-30", "2024-02-30"],
    ["2024-01-01T10:20:30.500Z", "2024-01-01 10:20:30.5 +0000 UTC"],
    ["[b, a]", '["b","a"]', true], ["[a, ~]", '["a",null]', true],
    ['{z: 1, a: [true, 1.50], s: "<x>"}', '{"a":[true,1.5],"s":"\\u003cx\\u003e","z":1}', true],
    ["{b: {y: 1, x: 2}, a: 'Tom & Jerry > \u2028'}", '{"a":"Tom \\u0026 Jerry \\u003e \\u2028","b":{"x":2,"y":1}}', true],
];

describe("CLI config (components/config/cli.ts)", () => {
    describe("mergeConfig cases", () => {
        for (const c of MERGE_CASES) {
            it(c.name, () => {
                if (c.error !== undefined) return assertCliError(() => merge(c.project, c.stack), c.error, VALIDATING_STACK_CONFIG_PREFIX);
                const result = merge(c.project, c.stack);
                assert.deepEqual(result.config, c.config);
                assert.deepEqual(result.secretKeys, c.secretKeys ?? []);
            });
        }
    });

    describe("ValidateConfigValue on stack values", () => {
        for (const [decl, value, ok] of TYPE_CASES) {
            it(`${decl} with ${value} ${ok ? "passes" : "fails"}`, () => {
                const run = () => merge([`k: ${decl}`], [`k: ${value}`]);
                if (ok) assert.doesNotThrow(run);
                else assertCliError(run, `Stack 'dev' with configuration key 'k' must be of type '${TYPE_NAMES[decl]}'`);
            });
        }
        it("default wins over value when a Project has both (createConfigValue order; parseProject refuses it)", () => {
            const project = { name: "test", config: { k: { type: "string" as const, default: "from-default", value: "from-value" } } };
            assert.deepEqual(applyProjectConfig(project, "dev", {}), { config: { "test:k": "from-default" }, secretKeys: [] });
        });
        it("only project-namespaced keys can be missing (a Project built without Project.Validate)", () => {
            const project = { name: "test", config: { "aws:region": {} } };
            assert.deepEqual(applyProjectConfig(project, "dev", {}), { config: {}, secretKeys: [] });
        });
        it("a secure value that decrypts to text is type-checked like plain text", () => {
            const project = parseProject(projectYaml(["n: {type: integer, secret: true}"]));
            const secure = (text: string): Record<string, StackValue> => ({ "test:n": { text, object: false, secure: true } });
            assert.deepEqual(applyProjectConfig(project, "dev", secure("20")), { config: { "test:n": "20" }, secretKeys: ["test:n"] });
            assertCliError(() => applyProjectConfig(project, "dev", secure("abc")), "Stack 'dev' with configuration key 'n' must be of type 'integer'");
        });
    });

    describe("Pulumi.yaml load errors", () => {
        for (const [name, config, message] of PROJECT_ERRORS) {
            it(name, () => assertCliError(() => parseProject(projectYaml(config)), message, "could not unmarshal 'Pulumi.yaml': "));
        }
        const schema: [string, string[]][] = [
            ["a short-form float", ["ratio: 1.5"]], ["a short-form null", ["ratio:"]], ["a short-form mapping", ["foo: {a: 1}"]],
            ["an unknown type", ["n: {type: number}"]], ["items without type", ["l: {type: array, items: {}}"]],
            ["a key named secret that is not a boolean", ["secret: {type: string}"]],
        ];
        for (const [name, config] of schema) {
            it(`schema: ${name}`, () =>
                assert.throws(() => parseProject(projectYaml(config)), (e: unknown) =>
                    e instanceof CliConfigError && e.prefix === "could not validate 'Pulumi.yaml': " && !e.exact && e.message.startsWith("#/config/")));
        }
        it("a missing name", () => assertCliError(() => parseProject("runtime: nodejs\n"), "project is missing a 'name' attribute"));
        it("an empty name", () => assertCliError(() => parseProject('name: ""\n'), "project is missing a non-empty string 'name' attribute"));
    });

    describe("Pulumi.yaml declarations", () => {
        for (const [name, config, expected] of PROJECT_OK) {
            it(name, () => assert.deepEqual(parseProject(projectYaml(config)), { name: "test", config: expected }));
        }
    });

    describe("stack value resolution (go-yaml v3, then Go json.Marshal)", () => {
        for (const [yaml, text, object] of SCALARS) {
            it(`${yaml} -> ${text}`, () => {
                const { values, warnings } = parseStackConfig(stackYaml([`test:v: ${yaml}`]), "test");
                assert.deepEqual(values, { "test:v": { text, object: object ?? false, secure: false } });
                assert.deepEqual(warnings, []);
            });
        }
        it("{secure: …} is a secret whose text is unknown", () =>
            assert.deepEqual(parseStackConfig(stackYaml(["test:v: {secure: AAABAC8=}"]), "test").values,
                { "test:v": { text: SECRET_PLACEHOLDER, object: false, secure: true } }));
        it(".inf fails the stack load", () => assertCliError(() => parseStackConfig(stackYaml(["v: .inf"]), "test"), "json: unsupported value: +Inf", STACK_MAP_PREFIX));
    });

    describe("stack keys", () => {
        const KEYS: [string, string][] = [["instanceSize", "test:instanceSize"], ["aws:region", "aws:region"], ["aws:config:region", "aws:region"]];
        for (const [written, key] of KEYS) {
            it(`${written} -> ${key}`, () => assert.deepEqual(Object.keys(parseStackConfig(stackYaml([`${written}: x`]), "test").values), [key]));
        }
        it("three colons are refused", () => assertCliError(() => parseStackConfig(stackYaml(["a:b:c: x"]), "test"),
            "could not parse a:b:c as a configuration key (configuration keys should be of the form `<namespace>:<name>`)", STACK_MAP_PREFIX));
        it("a non-string key is refused", () =>
            assertCliError(() => parseStackConfig(stackYaml(["1: x"]), "test"), "expected only string keys, got '%!s(int=1)'"));
    });

    describe("null stack values: empty text and the CLI's warning", () => {
        const tail = (s: string) => `. This is currently treated as an empty string \`""\`, but will be treated as \`null\` in a future version of pulumi.\nSet the value${s} to \`""\` to avoid this warning.`;
        const CASES: [string[], string][] = [
            [["a: ~"], `No value for configuration key "test:a"${tail("")}`],
            [["a:", "b: null"], `No value for configuration keys "test:a" and "test:b"${tail("s")}`],
            [["c: Null", "a: ~", "b:"], `No value for configuration keys "test:a", "test:b", "test:c"${tail("s")}`],
        ];
        for (const [lines, warning] of CASES) {
            it(lines.join(", "), () => {
                const { values, warnings } = parseStackConfig(stackYaml(lines), "test");
                assert.deepEqual(warnings, [warning]);
                assert.ok(Object.values(values).every((v) => v.text === "" && !v.object && !v.secure));
            });
        }
    });

    describe("stackValueOf", () => {
        const CASES: [unknown, string, boolean][] = [
            ["x", "x", false], [3, "3", false], [1.5, "1.5", false], [1e21, "1e+21", false], [-0, "0", false], [true, "true", false],
            [null, "", false], [[2, "a"], '[2,"a"]', true], [{ b: 1, a: { d: "<", c: null } }, '{"a":{"c":null,"d":"\\u003c"},"b":1}', true],
        ];
        for (const [value, text, object] of CASES) {
            it(`${JSON.stringify(value)} -> ${text}`, () => assert.deepEqual(stackValueOf(value), { text, object, secure: false }));
        }
        it("NaN is refused", () => assert.throws(() => stackValueOf(NaN), CliConfigError));
    });

    describe("unsupported CLI features throw", () => {
        const CASES: [string, () => unknown][] = [
            ["ESC environment", () => parseStackConfig("environment:\n  - my-env\nconfig:\n  a: b\n", "test")],
            ["stackConfigDir", () => parseProject("name: test\nruntime: nodejs\nstackConfigDir: config\n")],
            ["the legacy `config: <dir>`", () => parseProject("name: test\nruntime: nodejs\nconfig: config\n")],
            ["a property-path project key", () => merge(["testNested1.float: {type: integer}"], ["testNested1: {float: 1.0}"])],
            ["a YAML tag other than !!str", () => parseStackConfig(stackYaml(["a: !!int 5"]), "test")],
            ["a timestamp with a UTC offset", () => parseStackConfig(stackYaml(["a: 2024-01-01T10:00:00+02:00"]), "test")],
            ["a secure value inside a list", () => parseStackConfig(stackYaml(["a: [{secure: x}]"]), "test")],
        ];
        for (const [name, fn] of CASES) it(name, () => assertUnsupported(fn));
    });

    describe("loadStack on a project directory", () => {
        let dir = "";
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-config-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml(["target: {type: string}", "size: {type: string, default: small}", "count: {type: integer, default: 2}"]));
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackYaml(["test:target: docker", "note:"]));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("reads both files and applies defaults", () => assert.deepEqual(loadStack(dir, "dev"), {
            config: { "test:count": "2", "test:note": "", "test:size": "small", "test:target": "docker" }, secretKeys: [],
            warnings: ['No value for configuration key "test:note". This is currently treated as an empty string `""`, but will be treated as `null` in a future version of pulumi.\nSet the value to `""` to avoid this warning.'],
        }));
        it("overrides replace stack values (bare key = project namespace)", () =>
            assert.deepEqual(loadStack(dir, "dev", { target: "kind", "test:count": 3, "aws:region": "eu-west-1" }).config,
                { "aws:region": "eu-west-1", "test:count": "3", "test:note": "", "test:size": "small", "test:target": "kind" }));
        it("overrides are type-checked", () =>
            assertCliError(() => loadStack(dir, "dev", { count: "many" }), "Stack 'dev' with configuration key 'count' must be of type 'integer'"));
        it("a missing stack file is an empty config", () =>
            assertCliError(() => loadStack(dir, "staging"), "Stack 'staging' is missing configuration value 'target'", VALIDATING_STACK_CONFIG_PREFIX));
        it("a property-path override is refused", () => assertUnsupported(() => loadStack(dir, "dev", { "size.x": "y" })));
    });
});
