// The program: load config, build the platform, return the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { typeInfo } from "./catalog";
import { ConfigError, loadPlatformSpec } from "./config/load";
import { Platform, ServiceCredentials } from "./platform";
import { targetProblems } from "./targets";

export interface StackOutputs {
    target: string;
    endpoints: pulumi.Output<Record<string, string>>;
    credentials: pulumi.Output<Record<string, ServiceCredentials>>;
    /** Kubernetes targets: the stack's namespace. */
    namespace?: pulumi.Input<unknown>;
    /** eks: the cluster's name, and a kubeconfig for it (a secret). */
    cluster?: pulumi.Input<unknown>;
    kubeconfig?: pulumi.Input<unknown>;
    /** ec2: the host's public address. */
    host?: pulumi.Input<unknown>;
}

export function main(): StackOutputs {
    const spec = loadPlatformSpec(typeInfo());
    const problems = targetProblems(spec);
    if (problems.length > 0) throw new ConfigError(problems);
    const platform = new Platform(spec);
    return { target: spec.target, endpoints: platform.endpoints, credentials: platform.credentials, ...platform.targetOutputs };
}
