import { CatalogType, consumerVar, urlWithLogin, secretInterpolate } from "./types";

/** `SLIPWAY_PASSWORD_<USER>` / `SLIPWAY_ACL_<USER>`: where the start script reads a consumer's password and rules. */
export const redisPasswordVar = (user: string) => consumerVar("PASSWORD", user);
export const redisRulesVar = (user: string) => consumerVar("ACL", user);

/**
 * What each consumer's ACL user may do (Redis 7 ACL rules, https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/).
 * - redis-exporter: the commands its README lists for a dedicated user (oliver006/redis_exporter
 *   README, "Authenticating with Redis"), and no other;
 * - every other consumer (apps): every key and command but the @admin category
 *   (CONFIG, ACL, DEBUG, SHUTDOWN, MONITOR, REPLICAOF, SAVE …) and flushing the whole database.
 *   INFO stays allowed: clients read the server's version from it.
 */
export function redisRules(consumerType: string): string {
    if (consumerType === "redis-exporter") {
        return "allkeys -@all +client +ping +info +config|get +cluster|info +slowlog +latency +memory +select +get +scan +xinfo +type +pfcount +strlen +llen +scard +zcard +hlen +xlen +eval";
    }
    return "allkeys allchannels +@all -@admin -flushall -flushdb";
}

/**
 * Start: an ACL file with the `default` user (the service's own password: the health check,
 * the operator) and one user per consumer, each with its own password and rules, written to
 * tmpfs at every start and never to the data volume; then redis-server with it. The file holds
 * SHA-256 digests (`#<hex>`), not the passwords. Every password reaches the script through the
 * environment, never a command line.
 */
export const REDIS_START = `set -eu
umask 077
acl=/tmp/slipway-users.acl
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
{
  echo "user default on #$(digest "$REDIS_PASSWORD") allkeys allchannels +@all"
  for user in \${SLIPWAY_REDIS_USERS:-}; do
    var=$(echo "$user" | tr 'a-z-' 'A-Z_')
    eval "pw=\\\${SLIPWAY_PASSWORD_$var}; rules=\\\${SLIPWAY_ACL_$var}"
    echo "user $user on #$(digest "$pw") $rules"
  done
} > "$acl"
exec redis-server --aclfile "$acl" "$@"
`;

export const redis: CatalogType = {
    type: "redis",
    image: "redis:7.4.3-alpine",
    ports: [{ name: "redis", port: 6379, access: "client" }],
    dataStore: true,
    ownedEnv: ["REDIS_PASSWORD", "REDISCLI_AUTH", "SLIPWAY_REDIS_USERS"],
    // Its flags carry the password (--requirepass), and redis-server takes the last of a repeated
    // flag, so arguments of the user's could undo it: they are refused.
    args: "refuse",
    scheme: "redis",
    user: { uid: 999, gid: 1000 },
    volumes: [{ name: "data", path: "/data" }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: true,
    health: { kind: "tcp" },
    // The password reaches redis-cli through the environment, never the command line.
    healthCommand: `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG`,
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 2 },
    owns: { password: true },
    connection: (ctx) => ({
        username: "default",
        password: ctx.credentials.password,
        url: secretInterpolate`redis://default:${ctx.credentials.password}@${ctx.name}:${ctx.port}/0`,
    }),
    // Each consumer logs in as an ACL user of its own (named after it), with the rules its type
    // needs. On ElastiCache (eks) consumers share the auth token: its users are made by AWS.
    perConsumer: {
        consumers: "all",
        // Its REDIS_HOSTS entries are label:host:port:db:password, with no user name
        // (joeferner/redis-commander docker/entrypoint.sh): it keeps the `default` login.
        except: ["redis-commander"],
        managed: false,
        connection: (base, consumer, password) => ({
            ...base,
            username: consumer,
            password,
            url: urlWithLogin(base.url, consumer, password),
        }),
    },
    configure: (ctx) => {
        const users = Object.keys(ctx.consumers);
        const types = new Map(ctx.platform.services.map((s) => [s.name, s.type]));
        return {
            env: {
                SLIPWAY_REDIS_USERS: users.join(" "),
                ...Object.fromEntries(users.map((u) => [redisRulesVar(u), redisRules(types.get(u) ?? "app")])),
            },
            secretEnv: {
                REDIS_PASSWORD: ctx.credentials.password!,
                ...Object.fromEntries(users.map((u) => [redisPasswordVar(u), ctx.consumers[u]])),
            },
            // The script writes the ACL file and execs redis-server with it and these flags: the
            // `default` user's password is in the file, so no password is on any command line.
            // maxmemory leaves a fifth of the memory limit for Redis' own overhead, and evicts
            // least-recently-used keys as a cache should rather than failing writes.
            command: ["/bin/sh", "-c", REDIS_START, "redis-start"],
            args: ["--appendonly", "yes", "--dir", "/data", "--maxmemory", `${Math.floor(ctx.resources.memoryMiB * 0.8)}mb`, "--maxmemory-policy", "allkeys-lru"],
        };
    },
};
