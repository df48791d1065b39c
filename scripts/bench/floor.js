// The floors: JavaScript programs that load the same @pulumi packages as a stack, measured the
// same way as the program, with the SDK's per-promise stack capture off as the program has it
// (index.ts).
// - `<N>`: registers N resources with one input each (random.RandomPassword). N = 1 is the
//   issue's floor: what no program can go below.
// - `replay <file>`: registers exactly the resources the program registered (type, name and
//   inputs, recorded by child.js), one after the other in a plain loop: what the SDK alone costs
//   for those resources. The program's time beyond it is the program's own cost.
//   node scripts/bench/floor.js <stack> <N | replay file> <package> [<package> …]
"use strict";
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");

/** The class of a type token: aws:ec2/subnet:Subnet, kubernetes:networking.k8s.io/v1:NetworkPolicy, command:local:Command … */
function classOf(type) {
    const [pkg, mod, name] = type.split(":");
    if (pkg === "pulumi" && mod === "providers") return require(`@pulumi/${name}`).Provider;
    let ns = require(`@pulumi/${pkg}`);
    const [first, version] = mod.split("/");
    if (pkg === "kubernetes") ns = ns[first.split(".")[0]][version];
    else if (first !== "index") ns = ns[first];
    if (typeof ns?.[name] !== "function") throw new Error(`no class for ${type}`);
    return ns[name];
}

function register(r) {
    if (r.type.startsWith("slipway:")) {
        const component = new pulumi.ComponentResource(r.type, r.name, {});
        component.registerOutputs({});
        return component;
    }
    return new (classOf(r.type))(r.name, r.inputs);
}

(async () => {
    const [stack, what, ...rest] = process.argv.slice(2);
    const recorded = what === "replay" ? JSON.parse(require("fs").readFileSync(rest.shift(), "utf8")) : undefined;
    const count = await setMocks(pulumi, stack);
    for (const p of rest) require(p);
    Error.stackTraceLimit = 0;
    const random = require("@pulumi/random");
    const resources = recorded
        ? recorded.map(register)
        : Array.from({ length: Number(what) }, (_, i) => new random.RandomPassword(`floor-${i}`, { length: 32 }));
    await Promise.all(resources.map((r) => r.urn.promise()));
    await waitForRPCs();
    console.log(JSON.stringify({ resources: count() }));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
