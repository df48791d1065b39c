// Where a stack deploys on AWS, looked up once by its target (eks-target.ts, ec2-target.ts) and
// handed to what builds ARNs, endpoint names and confused-deputy conditions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the stack deploys: account, partition and region, for ARNs, endpoints and confused-deputy conditions. */
export interface AwsAccount {
    readonly id: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
}

/** Looked up once per stack, by its target, and handed to everything that needs it. */
export function awsAccount(opts: pulumi.InvokeOptions): AwsAccount {
    return {
        id: aws.getCallerIdentityOutput({}, opts).accountId,
        partition: aws.getPartitionOutput({}, opts).partition,
        region: aws.getRegionOutput({}, opts).region,
    };
}
