// The connection contract (SPEC "Connection settings injected for each service S in uses"):
// one function, used by every target, so an app sees the same variables everywhere.
import * as pulumi from "@pulumi/pulumi";
import { envPrefix } from "./config/validate";
import { Connection } from "./model";

export interface InjectedEnv {
    readonly env: Record<string, pulumi.Input<string>>;
    /** Values that carry a credential; each a Pulumi secret. */
    readonly secretEnv: Record<string, pulumi.Output<string>>;
}

/** `S_HOST`, `S_PORT`, `S_URL`, and the credentials S has, for one used service S. */
export function connectionEnv(service: string, c: Connection): InjectedEnv {
    const S = envPrefix(service);
    const env: Record<string, pulumi.Input<string>> = {
        [`${S}_HOST`]: c.host,
        [`${S}_PORT`]: String(c.port),
    };
    const secretEnv: Record<string, pulumi.Output<string>> = {};
    const carriesCredential = c.password !== undefined || c.token !== undefined;
    if (carriesCredential) secretEnv[`${S}_URL`] = pulumi.secret(c.url);
    else env[`${S}_URL`] = c.url;
    if (c.username !== undefined) env[`${S}_USERNAME`] = c.username;
    if (c.password !== undefined) secretEnv[`${S}_PASSWORD`] = pulumi.secret(c.password);
    if (c.database !== undefined) env[`${S}_DATABASE`] = c.database;
    if (c.token !== undefined) secretEnv[`${S}_TOKEN`] = pulumi.secret(c.token);
    return { env, secretEnv };
}
