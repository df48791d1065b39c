// Docker: what every Slipway container promises (components/targets/docker.ts), checked on the
// `docker.Container` inputs at preview time.
import * as docker from "@pulumi/docker";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The one type whose job is the Docker API: it reads the socket, read-only, and is reached only by what uses it. */
const SOCKET_PROXY_TYPE = "docker-proxy";

export const labelsOf = (c: { labels?: { label: string; value: string }[] }) => Object.fromEntries((c.labels ?? []).map((l) => [l.label, l.value]));

export const dockerPolicies: ResourceValidationPolicy[] = [
    {
        name: "docker-no-privileged",
        description: "No container runs privileged.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, _args, report) => {
            if (c.privileged) report(`${c.name} runs privileged`);
        }),
    },
    {
        name: "docker-no-host-network",
        description: "No container shares the host's network, PID or IPC namespace.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, _args, report) => {
            if (c.networkMode === "host") report(`${c.name} uses the host network`);
            if (c.pidMode === "host") report(`${c.name} uses the host PID namespace`);
            if (c.ipcMode === "host") report(`${c.name} uses the host IPC namespace`);
        }),
    },
    {
        name: "docker-no-docker-socket",
        description: "No container mounts the Docker socket (or the directory holding it), except the read-only socket proxy.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, _args, report) => {
            const paths = [
                ...(c.volumes ?? []).map((v) => ({ path: v.hostPath ?? "", readOnly: v.readOnly === true })),
                ...(c.mounts ?? []).filter((m) => m.type === "bind").map((m) => ({ path: m.source ?? "", readOnly: m.readOnly === true })),
            ];
            const proxy = labelsOf(c)["dev.slipway.type"] === SOCKET_PROXY_TYPE;
            for (const p of paths) {
                // A read-only mount does not stop writes to a socket, so the directory counts too.
                const socket = /docker\.sock$/.test(p.path) || ["/var/run", "/run"].includes(p.path.replace(/\/+$/, ""));
                if (socket && !(proxy && p.readOnly && p.path.endsWith("docker.sock"))) report(`${c.name} mounts ${p.path} from the host`);
            }
        }),
    },
    {
        name: "docker-capabilities-dropped",
        description: "Every container drops all capabilities and adds back only what it declares, with no-new-privileges.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, _args, report) => {
            if (!(c.capabilities?.drops ?? []).includes("ALL")) report(`${c.name} does not drop all capabilities`);
            if (!(c.securityOpts ?? []).includes("no-new-privileges:true")) report(`${c.name} does not set no-new-privileges`);
        }),
    },
    {
        name: "docker-memory-limit",
        description: "Every container has a memory limit.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, _args, report) => {
            if (!(c.memory && c.memory > 0)) report(`${c.name} has no memory limit`);
        }),
    },
    {
        name: "docker-loopback-ports",
        description: "Host ports bind to 127.0.0.1, except on a remote engine (the ec2 host), whose firewall admits the admin networks only.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(docker.Container, (c, args, report) => {
            // The ec2 target's engine is reached over SSH through an explicit provider.
            const remote = String(args.provider?.props?.host ?? "").startsWith("ssh://");
            if (remote) return;
            for (const p of c.ports ?? []) {
                if ((p.ip ?? "0.0.0.0") !== "127.0.0.1") report(`${c.name} publishes port ${p.external ?? p.internal} on ${p.ip ?? "0.0.0.0"}, not 127.0.0.1`);
            }
        }),
    },
];
