// Every policy of the pack, by concern.
import { awsResourcePolicies, awsStackPolicies } from "./aws";
import { dockerPolicies } from "./docker";
import { identityPolicies } from "./identity";
import { kubernetesPolicies } from "./kubernetes";
import { secretsPolicies } from "./secrets";

export const POLICIES = [...dockerPolicies, ...kubernetesPolicies, ...awsResourcePolicies, ...awsStackPolicies, ...secretsPolicies, ...identityPolicies];
