// Target selection. Each target's module is loaded only when a stack uses it, so a Docker
// stack never loads the Kubernetes or AWS providers.
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, TargetName } from "../model";
import { Materializer } from "../service";

const IMPLEMENTED: readonly TargetName[] = ["docker"];

/** Rules that depend on the target, in the same `slipway:<path>: message` form as the rest. */
export function targetProblems(spec: PlatformSpec): string[] {
    if (!IMPLEMENTED.includes(spec.target)) {
        return [`slipway:target: target ${spec.target} is not implemented yet; implemented: ${IMPLEMENTED.join(", ")}`];
    }
    switch (spec.target) {
        case "docker":
            return (require("./docker") as typeof import("./docker")).dockerProblems(spec);
        default:
            return [];
    }
}

export function materializerFor(spec: PlatformSpec, parent: pulumi.Resource): Materializer {
    switch (spec.target) {
        case "docker": {
            const { DockerTarget } = require("./docker") as typeof import("./docker");
            return new DockerTarget(spec, parent);
        }
        default:
            throw new Error(`target ${spec.target} is not implemented`);
    }
}
