// The stack's identity on everything a stack makes, so that what a destroy left behind can be
// found by label (scripts/leftovers.sh) and a resource in a console traced to its stack:
// Docker and Kubernetes labels `dev.slipway.project`/`dev.slipway.stack`, AWS tags
// `slipway:project`/`slipway:stack`. test/identity.test.ts checks every resource type.
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec } from "../model";

type Stack = Pick<PlatformSpec, "project" | "stack">;

/** Docker and Kubernetes labels. */
export const identityLabels = (spec: Stack): Record<string, string> => ({ "dev.slipway.project": spec.project, "dev.slipway.stack": spec.stack });

/** AWS tags. */
export const identityTags = (spec: Stack): Record<string, string> => ({ "slipway:project": spec.project, "slipway:stack": spec.stack });

/**
 * A transformation that adds the stack's tags to every AWS resource that takes tags, keeping the
 * ones it has. Whether a type takes tags is whether its inputs have the key: the generated
 * constructors of @pulumi/aws set `resourceInputs["tags"] = args?.tags` for exactly the types
 * whose schema has `tags` (e.g. ec2/vpc.js), whatever the caller passed. Unlike the provider's
 * `defaultTags`, the tags are in each resource's inputs, so a preview shows them, and the
 * default provider keeps the stack's `aws:` configuration.
 */
export function tagWithIdentity(spec: Stack): pulumi.ResourceTransformation {
    const identity = identityTags(spec);
    return ({ type, props, opts }) => {
        if (!type.startsWith("aws:") || !("tags" in props)) return undefined;
        const own = props.tags;
        const tags = pulumi.Output.isInstance(own) ? own.apply((t) => ({ ...(t ?? {}), ...identity })) : { ...(own ?? {}), ...identity };
        return { props: { ...props, tags }, opts };
    };
}
