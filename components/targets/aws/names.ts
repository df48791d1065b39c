// The AWS identifiers the managed equivalents claim, made from the stack and service names,
// and the problems with them that AWS would only report half-way through a deploy. Pure: the
// eks target's problems are checked before any resource is made (targets/index.ts).
import { PlatformSpec } from "../../model";

/** AWS identifiers: lower case, letters, digits and hyphens, at most `max` characters. */
export const awsName = (s: string, max: number) => s.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, max).replace(/-+$/, "");

/** What every AWS name of a stack starts with: `slipway-prod`. */
export const stackName = (spec: Pick<PlatformSpec, "project" | "stack">) => `${spec.project}-${spec.stack}`;

/**
 * The identifiers each managed type claims, unique per account and region. RDS: at most 63
 * characters, a letter first, no two hyphens in a row, no hyphen last (RDS API
 * CreateDBInstance, DBInstanceIdentifier; 60 leaves the final snapshot room for "-final").
 * ElastiCache: at most 40 characters with the same rules (API CreateReplicationGroup,
 * ReplicationGroupId). The S3 bucket takes a prefix (37 at most, terraform-provider-aws
 * bucket_prefix) that AWS completes with a unique suffix, so two services may share it.
 */
const RDS_MAX = 60;
const CACHE_MAX = 40;
export const rdsIdentifier = (stack: string, service: string) => awsName(`${stack}-${service}`, RDS_MAX);
export const cacheId = (stack: string, service: string) => awsName(`${stack}-${service}`, CACHE_MAX);

/** Each type's identifier, as managed.ts names the resource, and what AWS calls it. */
const IDENTIFIERS = {
    postgres: { what: "RDS instance identifier", max: RDS_MAX, id: rdsIdentifier },
    redis: { what: "ElastiCache replication group id", max: CACHE_MAX, id: cacheId },
} as const;

/**
 * Managed services whose identifiers AWS would refuse or that two services would share: the
 * second RDS instance or replication group with one identifier fails its create after the
 * first is made, so the clash is refused here, before anything is.
 */
export function awsNameProblems(spec: PlatformSpec): string[] {
    if (!spec.aws?.managedServices) return [];
    const problems: string[] = [];
    const stack = stackName(spec);
    for (const type of Object.keys(IDENTIFIERS) as (keyof typeof IDENTIFIERS)[]) {
        const { what, max } = IDENTIFIERS[type];
        const claimed = new Map<string, string>();
        for (const s of spec.services.filter((x) => x.type === type)) {
            const id = IDENTIFIERS[type].id(stack, s.name);
            const owner = claimed.get(id);
            if (owner) {
                const room = max - stack.length - 1;
                const fix = room > 0 ? `rename one of them so that they differ within their first ${room} characters` : `the stack name "${stack}" alone fills them: use a shorter stack name`;
                problems.push(
                    `slipway:services.${s.name}: its ${what} "${id}" (the first ${max} characters of "${stack}-${s.name}") is also ${owner}'s; ` +
                        `AWS identifiers are unique per account and region: ${fix}`,
                );
            } else claimed.set(id, s.name);
            if (id.includes("--")) problems.push(`slipway:services.${s.name}: its ${what} "${id}" has two hyphens in a row, which AWS refuses`);
        }
    }
    return problems;
}
