// What the network records and refuses on both AWS targets: flow logs of every connection in
// the VPC, kept in CloudWatch Logs for a bounded time, and the VPC's default security group
// stripped of every rule, so nothing that lands in it by default can talk to anything.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsAccount } from "./account";

/** How long CloudWatch keeps the platform's logs (flow logs, RDS logs, EKS control plane). */
export const LOG_RETENTION_DAYS = 90;

/**
 * VPC flow logs of accepted and rejected traffic, to a log group of their own with a retention.
 * The role the flow-logs service assumes may write to that group alone, and only this account's
 * flow logs may assume it (AWS VPC User Guide, "IAM role for publishing flow logs to CloudWatch
 * Logs": the logs:* actions, and aws:SourceAccount / aws:SourceArn against the confused deputy).
 */
export function flowLogs(name: string, vpc: aws.ec2.Vpc, account: AwsAccount, opts: pulumi.ComponentResourceOptions): aws.ec2.FlowLog {
    const { id: accountId, partition, region } = account;
    const group = new aws.cloudwatch.LogGroup("vpc-flow-logs", { name: `/aws/vpc/${name}/flow-logs`, retentionInDays: LOG_RETENTION_DAYS }, opts);
    const role = new aws.iam.Role(
        "vpc-flow-logs",
        {
            assumeRolePolicy: pulumi.all([accountId, partition, region]).apply(([acct, p, r]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceAccount": acct }, ArnLike: { "aws:SourceArn": `arn:${p}:ec2:${r}:${acct}:vpc-flow-log/*` } },
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    const write = new aws.iam.RolePolicy(
        "vpc-flow-logs",
        {
            role: role.name,
            policy: group.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                            Resource: [arn, `${arn}:*`],
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    return new aws.ec2.FlowLog(
        "vpc",
        {
            vpcId: vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: group.arn,
            iamRoleArn: role.arn,
            // One-minute records, so an incident can be read at the minute it happened.
            maxAggregationInterval: 60,
            tags: { Name: `${name}-flow-logs` },
        },
        { ...opts, dependsOn: [write] },
    );
}

/**
 * The VPC's default security group with no rules at all. AWS gives it rules that let its
 * members reach each other and anything outside; every resource Slipway makes names a group of
 * its own, so the default one is for nothing, and anything put in it by default can talk to
 * nothing. The provider adopts the group and removes every rule it finds, then adds only the
 * rules given: none (pulumi-aws ec2/defaultSecurityGroup, "immediately removes all ingress
 * and egress rules").
 */
export function lockDefaultSecurityGroup(name: string, vpc: aws.ec2.Vpc, opts: pulumi.ComponentResourceOptions): aws.ec2.DefaultSecurityGroup {
    return new aws.ec2.DefaultSecurityGroup("vpc-default", { vpcId: vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default-locked` } }, opts);
}
