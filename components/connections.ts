// The connection contract (SPEC "Connection settings injected for each service S in uses"):
// one function, used by every target, so an app sees the same variables everywhere.
import * as pulumi from "@pulumi/pulumi";
import { envPrefix } from "./config/validate";
import { Connection, SECRET_KEYS, SecretRef } from "./model";

export interface InjectedEnv {
    readonly env: Record<string, pulumi.Input<string>>;
    /** Values that carry a credential, kept in the used service's secret store. */
    readonly secretEnv: Record<string, SecretRef>;
}

/** Where a connection's credentials are kept in the owner's secret store. */
export type SecretKeys = { readonly [K in keyof typeof SECRET_KEYS]: string };

/** `S_HOST`, `S_PORT`, `S_URL`, and the credentials S has, for one used service S. */
export function connectionEnv(service: string, c: Connection, keys: SecretKeys = SECRET_KEYS): InjectedEnv {
    const S = envPrefix(service);
    const env: Record<string, pulumi.Input<string>> = {
        [`${S}_HOST`]: c.host,
        [`${S}_PORT`]: String(c.port),
    };
    const secretEnv: Record<string, SecretRef> = {};
    const ref = (key: string, value: pulumi.Output<string>): SecretRef => ({ owner: service, key, value: pulumi.secret(value) });
    if (carriesCredential(c)) secretEnv[`${S}_URL`] = ref(keys.url, c.url);
    else env[`${S}_URL`] = c.url;
    if (c.username !== undefined) env[`${S}_USERNAME`] = c.username;
    if (c.password !== undefined) secretEnv[`${S}_PASSWORD`] = ref(keys.password, c.password);
    if (c.database !== undefined) env[`${S}_DATABASE`] = c.database;
    if (c.token !== undefined) secretEnv[`${S}_TOKEN`] = ref(keys.token, c.token);
    if (c.bucket !== undefined) env[`${S}_BUCKET`] = c.bucket;
    // A CA certificate is public: it lets the consumer check whom it talks to, and proves nothing.
    if (c.caCert !== undefined) env[`${S}_CA_CERT`] = c.caCert;
    return { env, secretEnv };
}

/** A service with a password or token treats its URL as a credential too. */
export const carriesCredential = (c: Connection) => c.password !== undefined || c.token !== undefined;

/** What a service keeps in its own secret store for its consumers. */
export function connectionSecrets(c: Connection, keys: SecretKeys = SECRET_KEYS): Record<string, pulumi.Output<string>> {
    const out: Record<string, pulumi.Output<string>> = {};
    if (c.password !== undefined) out[keys.password] = pulumi.secret(c.password);
    if (c.token !== undefined) out[keys.token] = pulumi.secret(c.token);
    if (carriesCredential(c)) out[keys.url] = pulumi.secret(c.url);
    return out;
}

/** Keys of the credentials a service generated for one consumer of its own. */
export const consumerKeys = (consumer: string): SecretKeys => ({
    password: `password-${consumer}`,
    token: `token-${consumer}`,
    url: `url-${consumer}`,
});
