// The test doubles themselves: they answer from their arguments and refuse what the real
// provider refuses, so a program that asks the cloud a wrong question fails here too.
import { strict as assert } from "assert";
import { INVOKES } from "./doubles";
import { runProgram } from "./harness";

const invoke = (token: string, args: Record<string, unknown>) => INVOKES[`aws:${token}`](args);

describe("invoke doubles", () => {
    it("getAvailabilityZones answers for the region and state asked, and refuses a state AWS has not", () => {
        assert.deepEqual(invoke("index/getAvailabilityZones:getAvailabilityZones", { state: "available" }).names, ["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert.deepEqual(invoke("index/getAvailabilityZones:getAvailabilityZones", { state: "available", region: "eu-west-1" }).names, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        assert.throws(() => invoke("index/getAvailabilityZones:getAvailabilityZones", { state: "up" }), /expected state to be one of/);
        assert.throws(() => invoke("index/getAvailabilityZones:getAvailabilityZones", { zone: "a" }), /unsupported argument "zone"/);
    });

    it("getRegion refuses a region that does not exist", () => {
        assert.equal(invoke("index/getRegion:getRegion", {}).region, "us-east-1");
        assert.throws(() => invoke("index/getRegion:getRegion", { region: "moon-1" }), /no matching regions found: moon-1/);
    });

    it("getAmi matches filters, and refuses a search with no result or several without mostRecent", () => {
        const al2023 = { owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-2023.*-x86_64"] }] };
        assert.equal(invoke("ec2/getAmi:getAmi", al2023).architecture, "x86_64");
        assert.throws(() => invoke("ec2/getAmi:getAmi", { owners: ["amazon"], filters: [{ name: "name", values: ["ubuntu-*"] }] }), /Your query returned no results/);
        assert.throws(() => invoke("ec2/getAmi:getAmi", { owners: ["amazon"], filters: [{ name: "name", values: ["al2023-*"] }] }), /more than one result/);
        assert.equal(invoke("ec2/getAmi:getAmi", { owners: ["amazon"], mostRecent: true, filters: [{ name: "name", values: ["al2023-*"] }] }).imageId, "ami-0123456789abcdef0");
    });
});

describe("a load balancer the cloud has not addressed yet", () => {
    it("shows as pending in endpoints, not as a broken URL", async function () {
        this.timeout(60000);
        const run = await runProgram(
            { target: "kubernetes", adminCidrs: ["203.0.113.0/24"], services: { api: { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, public: true } } },
            { pendingLoadBalancers: true },
        );
        assert.equal(run.outputs.endpoints.api, "http://<pending load balancer>:3000");
    });
});
