// postgres on RDS (eks): IAM database authentication on, and the PostgreSQL and upgrade logs
// exported to CloudWatch Logs, into log groups made first, with a retention.
import { strict as assert } from "assert";
import { plain, Run, runStack } from "./harness";

describe("aws RDS: IAM authentication and exported logs", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod");
    });
    const db = () => run.resources.find((r) => r.type === "aws:rds/instance:Instance")!;

    it("turns IAM database authentication on", () => {
        assert.equal(plain(db().inputs).iamDatabaseAuthenticationEnabled, true);
    });

    it("exports the postgresql and upgrade logs to CloudWatch Logs", () => {
        assert.deepEqual(plain(db().inputs).enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
    });

    it("makes their log groups first, under the names RDS writes to, kept 90 days", () => {
        const groups = run.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name.startsWith("postgres-rds-")).map((g) => plain(g.inputs));
        assert.deepEqual(
            groups.map((g) => [g.name, g.retentionInDays]),
            [
                ["/aws/rds/instance/slipway-prod-postgres/postgresql", 90],
                ["/aws/rds/instance/slipway-prod-postgres/upgrade", 90],
            ],
        );
        assert.deepEqual(
            db().dependsOn.filter((d) => d.startsWith("aws:cloudwatch/logGroup:LogGroup::")).sort(),
            ["aws:cloudwatch/logGroup:LogGroup::postgres-rds-postgresql", "aws:cloudwatch/logGroup:LogGroup::postgres-rds-upgrade"],
        );
    });
});
