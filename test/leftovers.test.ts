// scripts/leftovers.sh, against a stub `docker` and a stub `kubectl` that record every call and
// print canned answers: the exact commands it runs, what it prints and how it exits. And the
// labels and namespace it looks for are the ones the program gives a stack.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runStack } from "./harness";

const SCRIPT = path.join(ROOT, "scripts/leftovers.sh");

/** Records each call as `tool [arg] [arg] …`, one line, so that argument boundaries show. */
const RECORD = (tool: string) => `{ printf '${tool}'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >> "$STUB_CALLS"`;

const DOCKER = `#!/bin/sh
${RECORD("docker")}
if [ -n "$STUB_DOCKER_DOWN" ]; then
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
    exit 1
fi
case "$1" in
    ps) printf '%s' "$STUB_CONTAINERS" ;;
    volume) printf '%s' "$STUB_VOLUMES" ;;
    network) printf '%s' "$STUB_NETWORKS" ;;
esac
`;

const KUBECTL = `#!/bin/sh
${RECORD("kubectl")}
case "$*" in
    "config current-context")
        if [ -z "$STUB_CONTEXT" ]; then echo "error: current-context is not set" >&2; exit 1; fi
        echo "$STUB_CONTEXT" ;;
    *" get namespace "*)
        if [ -n "$STUB_CLUSTER_DOWN" ]; then echo "The connection to the server 127.0.0.1:6443 was refused" >&2; exit 1; fi
        printf '%s' "$STUB_NAMED" ;;
    *" get namespaces "*)
        printf '%s' "$STUB_LABELLED" ;;
esac
`;

interface Stubs {
    kubectl?: boolean;
    docker?: boolean;
    env?: Record<string, string>;
}

/** Runs leftovers.sh with only the stubs on PATH; returns its status, output and the recorded calls. */
function leftovers(args: string[], stubs: Stubs = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-leftovers-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        if (stubs.docker !== false) fs.writeFileSync(path.join(bin, "docker"), DOCKER, { mode: 0o755 });
        if (stubs.kubectl !== false) fs.writeFileSync(path.join(bin, "kubectl"), KUBECTL, { mode: 0o755 });
        const calls = path.join(dir, "calls");
        fs.writeFileSync(calls, "");
        // PATH holds the stubs alone: the script uses bash's builtins and nothing else.
        const r = spawnSync("/bin/bash", [SCRIPT, ...args], { encoding: "utf8", env: { PATH: bin, STUB_CALLS: calls, ...stubs.env } });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: fs.readFileSync(calls, "utf8").split("\n").filter(Boolean) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const DOCKER_CALLS = (stack: string) => [
    `docker [ps] [--all] [--filter] [label=dev.slipway.stack=${stack}] [--format] [{{.Names}}]`,
    `docker [volume] [ls] [--filter] [label=dev.slipway.stack=${stack}] [--format] [{{.Name}}]`,
    `docker [network] [ls] [--filter] [label=dev.slipway.stack=${stack}] [--format] [{{.Name}}]`,
];
const KUBE_CALLS = (stack: string, context: string) => [
    `kubectl [--context] [${context}] [--request-timeout] [20s] [get] [namespace] [slipway-${stack}] [--ignore-not-found] [--output] [name]`,
    `kubectl [--context] [${context}] [--request-timeout] [20s] [get] [namespaces] [--selector] [dev.slipway.stack=${stack}] [--output] [name]`,
];
const CURRENT_CONTEXT = "kubectl [config] [current-context]";

describe("scripts/leftovers.sh, against a stub docker and kubectl", () => {
    it("nothing left: says so on stderr, prints nothing, exits 0", () => {
        const r = leftovers(["pr-7"], { env: { STUB_CONTEXT: "kind-slipway" } });
        assert.deepEqual(r.calls, [...DOCKER_CALLS("pr-7"), CURRENT_CONTEXT, ...KUBE_CALLS("pr-7", "kind-slipway")]);
        assert.deepEqual([r.status, r.stdout], [0, ""], r.stderr);
        assert.equal(r.stderr, "leftovers: nothing of stack pr-7 is left\n");
    });

    it("a container and a volume left: one line each, exits 1", () => {
        const r = leftovers(["pr-7"], {
            env: { STUB_CONTEXT: "kind-slipway", STUB_CONTAINERS: "slipway-pr-7-postgres\n", STUB_VOLUMES: "slipway-pr-7-postgres-data\n" },
        });
        assert.deepEqual(r.calls, [...DOCKER_CALLS("pr-7"), CURRENT_CONTEXT, ...KUBE_CALLS("pr-7", "kind-slipway")]);
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, "container slipway-pr-7-postgres\nvolume slipway-pr-7-postgres-data\n");
        assert.equal(r.stderr, "leftovers: 2 left of stack pr-7\n");
    });

    it("every kind of leftover, a namespace found by name and by label once", () => {
        const r = leftovers(["dev"], {
            env: {
                STUB_CONTEXT: "kind-slipway",
                STUB_CONTAINERS: "slipway-dev-redis\nslipway-dev-vault-bootstrap\n",
                STUB_VOLUMES: "slipway-dev-redis-data\n",
                STUB_NETWORKS: "slipway-dev\n",
                STUB_NAMED: "namespace/slipway-dev\n",
                STUB_LABELLED: "namespace/slipway-dev\nnamespace/team-a\n",
            },
        });
        assert.equal(r.status, 1);
        assert.equal(
            r.stdout,
            [
                "container slipway-dev-redis",
                "container slipway-dev-vault-bootstrap",
                "volume slipway-dev-redis-data",
                "network slipway-dev",
                "namespace slipway-dev (context kind-slipway)",
                "namespace team-a (context kind-slipway)",
                "",
            ].join("\n"),
        );
    });

    it("SLIPWAY_KUBE_CONTEXT names the context: the current one is not asked for", () => {
        const r = leftovers(["pr-7"], { env: { SLIPWAY_KUBE_CONTEXT: "staging-eu", STUB_CONTEXT: "kind-slipway" } });
        assert.deepEqual(r.calls, [...DOCKER_CALLS("pr-7"), ...KUBE_CALLS("pr-7", "staging-eu")]);
        assert.equal(r.status, 0);
    });

    it("kubectl without a context: Kubernetes is not checked, and says so", () => {
        const r = leftovers(["pr-7"]);
        assert.deepEqual(r.calls, [...DOCKER_CALLS("pr-7"), CURRENT_CONTEXT]);
        assert.equal(r.status, 0);
        assert.equal(r.stderr, "leftovers: kubectl has no context: Kubernetes not checked\nleftovers: nothing of stack pr-7 is left\n");
    });

    it("no kubectl, or no docker: that side is skipped", () => {
        const noKube = leftovers(["pr-7"], { kubectl: false, env: { STUB_VOLUMES: "slipway-pr-7-redis-data\n" } });
        assert.deepEqual(noKube.calls, DOCKER_CALLS("pr-7"));
        assert.deepEqual([noKube.status, noKube.stdout], [1, "volume slipway-pr-7-redis-data\n"]);
        const noDocker = leftovers(["pr-7"], { docker: false, env: { STUB_CONTEXT: "kind-slipway" } });
        assert.deepEqual(noDocker.calls, [CURRENT_CONTEXT, ...KUBE_CALLS("pr-7", "kind-slipway")]);
        assert.equal(noDocker.status, 0);
        assert.match(noDocker.stderr, /^leftovers: no docker CLI here: Docker not checked\n/);
    });

    it("an engine or a cluster that does not answer: exit 2, not a clean bill", () => {
        const docker = leftovers(["pr-7"], { env: { STUB_DOCKER_DOWN: "1", STUB_CONTEXT: "kind-slipway" } });
        assert.deepEqual(docker.calls, [DOCKER_CALLS("pr-7")[0], CURRENT_CONTEXT, ...KUBE_CALLS("pr-7", "kind-slipway")]);
        assert.deepEqual([docker.status, docker.stdout], [2, ""]);
        assert.match(docker.stderr, /leftovers: the Docker engine does not answer \(docker ps --all --filter label=dev\.slipway\.stack=pr-7 --format \{\{\.Names\}\}\): Docker not checked/);
        const cluster = leftovers(["pr-7"], { env: { STUB_CLUSTER_DOWN: "1", STUB_CONTEXT: "kind-slipway" } });
        assert.deepEqual(cluster.calls, [...DOCKER_CALLS("pr-7"), CURRENT_CONTEXT, KUBE_CALLS("pr-7", "kind-slipway")[0]]);
        assert.equal(cluster.status, 2);
        assert.match(cluster.stderr, /leftovers: the cluster of context kind-slipway does not answer: Kubernetes not checked/);
        // What was found still counts: leftovers win over "not checked".
        const both = leftovers(["pr-7"], { env: { STUB_CLUSTER_DOWN: "1", STUB_CONTEXT: "kind-slipway", STUB_NETWORKS: "slipway-pr-7\n" } });
        assert.deepEqual([both.status, both.stdout], [1, "network slipway-pr-7\n"]);
    });

    it("refuses a missing or odd stack name before calling anything", () => {
        for (const args of [[], [""], ["pr 7"], ["pr-7,label=x"], ["-x"], ["a", "b"]]) {
            const r = leftovers(args, { env: { STUB_CONTEXT: "kind-slipway" } });
            assert.deepEqual([r.status, r.calls, r.stderr], [2, [], "usage: bash scripts/leftovers.sh <stack>\n"], JSON.stringify(args));
        }
    });
});

describe("scripts/leftovers.sh looks for what the program makes", function () {
    this.timeout(120000);

    it("every Docker container, volume and network of a stack carries dev.slipway.stack=<stack>", async () => {
        const run = await runStack("dev");
        const docker = run.resources.filter((r) => ["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"].includes(r.type));
        assert.deepEqual([...new Set(docker.map((r) => r.type))].sort(), ["docker:index/container:Container", "docker:index/network:Network", "docker:index/volume:Volume"]);
        for (const r of docker) {
            const labels = (r.inputs.labels ?? []) as { label: string; value: string }[];
            assert.ok(labels.some((l) => l.label === "dev.slipway.stack" && l.value === "dev"), `${r.type} ${r.name}: ${JSON.stringify(labels)}`);
        }
    });

    it("a kind stack's namespace is slipway-<stack>", async () => {
        const run = await runStack("staging");
        const namespaces = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name);
        assert.deepEqual(namespaces, ["slipway-staging"]);
    });
});
