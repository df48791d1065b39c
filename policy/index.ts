// Slipway's policy pack: the promises the tests check, enforced at preview time too.
//   pulumi preview --policy-pack policy
// The policies live by concern; test/policy.test.ts runs each with a passing and a failing
// resource, and the whole pack over every shipped stack.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("slipway", { policies: POLICIES });
