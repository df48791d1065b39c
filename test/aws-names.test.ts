// The AWS identifiers of managed equivalents on eks: two services whose identifiers would be
// the same once cut to AWS's length (ElastiCache 40 characters, RDS 60 here), or that AWS would
// refuse, are refused before any resource is made, with the service's config path.
import { strict as assert } from "assert";
import { awsNameProblems } from "../components/targets/aws/names";
import { asProgramSays } from "./bad-configs";
import { runExpectingError, runProgram } from "./harness";

const ADMIN = ["203.0.113.0/24"];

describe("aws names: managed equivalents whose AWS identifiers clash", () => {
    it("refuses two redis services whose ElastiCache ids are the same in their first 40 characters", async () => {
        const { message, registered } = await runExpectingError({
            target: "eks",
            adminCidrs: ADMIN,
            services: { "session-cache-for-the-checkout-api-one": { type: "redis" }, "session-cache-for-the-checkout-api-two": { type: "redis" } },
        });
        assert.equal(
            message,
            asProgramSays([
                'slipway:services.session-cache-for-the-checkout-api-two: its ElastiCache replication group id "slipway-test-session-cache-for-the-check" ' +
                    '(the first 40 characters of "slipway-test-session-cache-for-the-checkout-api-two") is also session-cache-for-the-checkout-api-one\'s; ' +
                    "AWS identifiers are unique per account and region: rename one of them so that they differ within their first 27 characters",
            ]),
        );
        assert.equal(registered, 0);
    });

    it("refuses two postgres services whose RDS identifiers clash under a long stack name", async () => {
        const { message, registered } = await runExpectingError(
            { target: "eks", adminCidrs: ADMIN, services: { "orders-database-primary": { type: "postgres" }, "orders-database-replica": { type: "postgres" } } },
            { stack: "review-feature-branch-with-a-long-name" },
        );
        assert.equal(
            message,
            asProgramSays([
                'slipway:services.orders-database-replica: its RDS instance identifier "slipway-review-feature-branch-with-a-long-name-orders-databa" ' +
                    '(the first 60 characters of "slipway-review-feature-branch-with-a-long-name-orders-database-replica") is also orders-database-primary\'s; ' +
                    "AWS identifiers are unique per account and region: rename one of them so that they differ within their first 13 characters",
            ]),
        );
        assert.equal(registered, 0);
    });

    it("refuses an identifier with two hyphens in a row, which RDS and ElastiCache refuse", async () => {
        const { message, registered } = await runExpectingError({ target: "eks", adminCidrs: ADMIN, services: { "orders--db": { type: "postgres" } } });
        assert.equal(message, asProgramSays(['slipway:services.orders--db: its RDS instance identifier "slipway-test-orders--db" has two hyphens in a row, which AWS refuses']));
        assert.equal(registered, 0);
    });

    it("accepts the same names where nothing runs on RDS or ElastiCache (managedServices off), and names that differ within the limit", async () => {
        const long = { "session-cache-for-the-checkout-api-one": { type: "redis" }, "session-cache-for-the-checkout-api-two": { type: "redis" } };
        const run = await runProgram({ target: "eks", adminCidrs: ADMIN, managedServices: false, services: long }, { stack: "test" });
        assert.equal(run.resources.filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup").length, 0);
        const short = await runProgram({ target: "eks", adminCidrs: ADMIN, services: { "cache-a": { type: "redis" }, "cache-b": { type: "redis" } } }, { stack: "test" });
        assert.equal(short.resources.filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup").length, 2);
    });

    it("says so when the stack name alone fills the identifier", () => {
        const spec = {
            project: "slipway",
            stack: "a-stack-name-that-is-longer-than-forty-characters",
            aws: { managedServices: true },
            services: [
                { name: "cache", type: "redis" },
                { name: "queue", type: "redis" },
            ],
        } as unknown as Parameters<typeof awsNameProblems>[0];
        assert.deepEqual(awsNameProblems(spec), [
            'slipway:services.queue: its ElastiCache replication group id "slipway-a-stack-name-that-is-longer-than" (the first 40 characters of ' +
                '"slipway-a-stack-name-that-is-longer-than-forty-characters-queue") is also cache\'s; AWS identifiers are unique per account and region: ' +
                'the stack name "slipway-a-stack-name-that-is-longer-than-forty-characters" alone fills them: use a shorter stack name',
        ]);
    });
});
