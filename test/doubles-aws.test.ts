// The AWS doubles added for the network and S3 hardening answer from their arguments and
// refuse what the provider refuses (test/doubles.ts).
import { strict as assert } from "assert";
import { createdState, INVOKES } from "./doubles";

const invoke = (token: string, args: Record<string, unknown>) => INVOKES[`aws:${token}`](args);
const S3_US_EAST_1 = ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16", "18.34.0.0/19", "18.34.232.0/21"];

describe("invoke doubles: prefix lists, the caller, VPC endpoints", () => {
    it("getPrefixList answers by id or by name, and refuses a list that does not exist, a malformed id, and arguments it does not know", () => {
        assert.deepEqual(invoke("ec2/getPrefixList:getPrefixList", { prefixListId: "pl-63a5400a" }).cidrBlocks, S3_US_EAST_1);
        assert.equal(invoke("ec2/getPrefixList:getPrefixList", { name: "com.amazonaws.us-east-2.s3" }).id, "pl-7ba54012");
        assert.throws(() => invoke("ec2/getPrefixList:getPrefixList", { prefixListId: "pl-63a5400a", name: "com.amazonaws.us-east-2.s3" }), /no matching EC2 Prefix List found/);
        assert.throws(() => invoke("ec2/getPrefixList:getPrefixList", { prefixListId: "pl-00000000" }), /no matching EC2 Prefix List found/);
        assert.throws(() => invoke("ec2/getPrefixList:getPrefixList", { prefixListId: "s3" }), /InvalidPrefixListId.Malformed/);
        assert.throws(() => invoke("ec2/getPrefixList:getPrefixList", {}), /by prefixListId or name/);
        assert.throws(() => invoke("ec2/getPrefixList:getPrefixList", { service: "s3" }), /unsupported argument "service"/);
    });

    it("getCallerIdentity answers with the account and refuses arguments it does not take", () => {
        assert.equal(invoke("index/getCallerIdentity:getCallerIdentity", {}).accountId, "123456789012");
        assert.throws(() => invoke("index/getCallerIdentity:getCallerIdentity", { region: "us-east-1" }), /unsupported argument "region"/);
    });

    it("a gateway VPC endpoint gets its service's prefix list, and one for a service that does not exist is refused", () => {
        assert.equal(createdState("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" }, String).prefixListId, "pl-63a5400a");
        assert.throws(() => createdState("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.moon-1.s3" }, String), /InvalidServiceName/);
        assert.equal(createdState("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.sts" }, String).prefixListId, "");
    });
});
