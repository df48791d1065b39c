// The pods of the Kubernetes materializer: each workload's container, its init container that
// waits for what it uses, its volumes and mounts, probes and security context, as the
// `restricted` Pod Security Standard allows them, and the bootstrap Jobs' pods (kubernetes.ts
// makes the objects around them).
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { formatCpu } from "../config/quantity";
import { Probe, SecretRef, Task, Workload } from "../model";
import { HELPER_IMAGE as WAIT_IMAGE } from "./images";

type Probe8s = k8s.types.input.core.v1.Probe;
type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;

/** Label that marks a pod as allowed to connect to service `name`. */
export const reachLabel = (name: string) => `reaches.slipway.dev/${name}`;

export const secretName = (service: string) => `${service}-credentials`;
export const configMapName = (service: string) => `${service}-files`;

/** A file path as a ConfigMap/Secret key: `/etc/prometheus/prometheus.yml` -> `etc-prometheus-prometheus.yml`. */
export const fileKey = (path: string) => path.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]/g, "-");

/** Probes as Kubernetes runs them: native HTTP where possible, else the in-image command, else TCP. */
export function kubernetesProbes(probe: Probe): { readinessProbe: Probe8s; livenessProbe: Probe8s; startupProbe: Probe8s } {
    let handler: Probe8s;
    if (probe.http) handler = { httpGet: { path: probe.http.path, port: probe.http.port, scheme: (probe.http.scheme ?? "http").toUpperCase() } };
    else if (probe.command !== undefined) {
        handler = { exec: { command: typeof probe.command === "string" ? ["/bin/sh", "-c", probe.command] : [...probe.command] } };
    } else handler = { tcpSocket: { port: probe.tcp!.port } };
    const readiness = { ...handler, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
    const liveness = { ...handler, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 };
    // A startup probe holds liveness off until a slow starter is up.
    const startup = { ...handler, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: Math.max(6, Math.ceil(probe.startSeconds / 5) + 6) };
    return { readinessProbe: readiness, livenessProbe: liveness, startupProbe: startup };
}

/**
 * A digest of the credentials a pod reads through secretKeyRef. A changed Secret changes no pod
 * spec, so without it a rotated password would reach neither a running Deployment nor a Job,
 * which only runs again when its template changes (pulumi-kubernetes provider/pkg/provider/
 * diff.go: a Job's .spec.template forces its replacement). A truncated SHA-256 of generated
 * values tells nothing about them, so the digest is kept as plain text, diffable in a preview.
 */
function credentialsDigest(secretEnv: Readonly<Record<string, SecretRef>>): pulumi.Output<string> {
    const entries = Object.entries(secretEnv).sort(([a], [b]) => a.localeCompare(b));
    const digest = pulumi.all(entries.map(([k, r]) => pulumi.interpolate`${k}=${r.value}`)).apply((v) => createHash("sha256").update(v.join("\0")).digest("hex").slice(0, 16));
    return pulumi.unsecret(digest);
}

/** Waits on the used services' host names and ports, as the app itself will connect. */
function waitScript(deps: Workload["dependsOn"]): string {
    return deps.map((d) => `until nc -z -w 2 ${d.name} ${d.port}; do echo "waiting for ${d.name}:${d.port}"; sleep 2; done`).join("\n");
}

/** Plain values as values; credentials as references into their owner's Secret. */
function containerEnv(env: Readonly<Record<string, pulumi.Input<string>>>, secretEnv: Readonly<Record<string, SecretRef>>) {
    return [
        ...Object.entries(env).map(([name, value]) => ({ name, value })),
        ...Object.entries(secretEnv).map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: secretName(ref.owner), key: ref.key } } })),
    ];
}

/**
 * A container as the restricted profile allows it: non-root, no privilege escalation, every
 * capability dropped but the ones the workload declares (the profile allows NET_BIND_SERVICE
 * alone). A capability here only stays in the bounding set: with allowPrivilegeEscalation false
 * (no_new_privs) a non-root process gains none. That is what an image whose binary carries file
 * capabilities needs: the kernel refuses to exec a binary with the effective bit set whose
 * permitted capabilities are not all in the bounding set (security/commoncap.c,
 * bprm_caps_from_vfs_caps: "insufficient to execute correctly", -EPERM).
 */
const restrictedContainer = (readOnlyRootFilesystem: boolean, runAsUser: number, runAsGroup: number, add: readonly string[] = []) => ({
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: add.length ? { drop: ["ALL"], add: [...add] } : { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
});


/**
 * A workload's pod template: labels (and the reach labels its NetworkPolicies match), the
 * digests that roll it when its files or credentials change, and its one container.
 */
export function workloadPod(
    w: Workload,
    labels: Record<string, string>,
    opts: { readonly waitFor: Workload["dependsOn"]; readonly serviceAccount?: string },
): PodTemplate {
    const secretFiles = w.files.filter((f) => f.secret);
    const plainFiles = w.files.filter((f) => !f.secret);
    const volumes: Volume[] = w.scratch.map((_, i) => ({ name: `scratch-${i}`, emptyDir: {} }));
    const mounts: VolumeMount[] = w.scratch.map((p, i) => ({ name: `scratch-${i}`, mountPath: p }));
    // The plain files are in the workload's ConfigMap (kubernetes.ts), the secret ones in its Secret.
    if (plainFiles.length) volumes.push({ name: "files", configMap: { name: configMapName(w.name) } });
    if (secretFiles.length) {
        volumes.push({ name: "secret-files", secret: { secretName: secretName(w.name), items: secretFiles.map((f) => ({ key: fileKey(f.path), path: fileKey(f.path) })) } });
    }
    for (const f of plainFiles) mounts.push({ name: "files", mountPath: f.path, subPath: fileKey(f.path), readOnly: true });
    for (const f of secretFiles) mounts.push({ name: "secret-files", mountPath: f.path, subPath: fileKey(f.path), readOnly: true });
    for (const v of w.volumes) mounts.push({ name: v.name, mountPath: v.path });

    const env = containerEnv(w.env, w.secretEnv);
    const r = w.resources;
    const container: Container = {
        name: w.name,
        image: w.image,
        command: w.command ? [...w.command] : undefined,
        args: w.args ? [...w.args] : undefined,
        ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: (p.protocol ?? "tcp").toUpperCase() })),
        env,
        volumeMounts: mounts,
        resources: {
            requests: { cpu: formatCpu(Math.max(0.05, r.cpu / 4)), memory: `${Math.ceil(r.memoryMiB / 2)}Mi` },
            limits: { cpu: formatCpu(r.cpu), memory: `${r.memoryMiB}Mi` },
        },
        securityContext: restrictedContainer(w.readOnlyRootFilesystem, w.user.uid, w.user.gid, w.capabilities),
        ...kubernetesProbes(w.probe),
    };
    const initContainers: Container[] | undefined = opts.waitFor.length
        ? [
              {
                  // Waits until every used service has a ready pod behind its Service.
                  name: "wait-for-dependencies",
                  image: WAIT_IMAGE,
                  command: ["/bin/sh", "-c", waitScript(opts.waitFor)],
                  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                  securityContext: restrictedContainer(true, 65534, 65534),
              },
          ]
        : undefined;

    // Rolls the pods when a non-secret file changes (subPath mounts are not refreshed in place).
    const filesHash = pulumi.all(plainFiles.map((f) => f.content)).apply((c) => createHash("sha256").update(c.join("\0")).digest("hex").slice(0, 16));
    return {
        metadata: {
            labels: { ...labels, ...Object.fromEntries(w.reaches.map((n) => [reachLabel(n), "true"])) },
            annotations: { "slipway.dev/files-hash": filesHash, "slipway.dev/credentials-hash": credentialsDigest(w.secretEnv) },
        },
        spec: {
            serviceAccountName: opts.serviceAccount,
            // No pod talks to the Kubernetes API. A cloud identity (IRSA) needs no API token:
            // the EKS pod identity webhook mounts its own projected token whatever this says
            // (aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go, getPodSpecPatch).
            automountServiceAccountToken: false,
            // Service links would inject <SVC>_PORT=tcp://… and clash with the S_PORT contract.
            enableServiceLinks: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: w.user.uid,
                runAsGroup: w.user.gid,
                fsGroup: w.user.gid,
                fsGroupChangePolicy: "OnRootMismatch",
                seccompProfile: { type: "RuntimeDefault" },
            },
            initContainers,
            containers: [container],
            volumes,
        },
    };
}

/** A bootstrap Job's retries and deadline: a failure surfaces within the provider's 10-minute await. */
export const JOB_RETRIES = 2;
export const JOB_DEADLINE_SECONDS = 300;

/**
 * A bootstrap Job's spec: one restricted pod that runs the task once, reaches what the task
 * reaches, and reads its files from the task's ConfigMap when it has any.
 *
 * pulumi-kubernetes awaits a Job until it is Complete, or fails it at once on
 * BackoffLimitExceeded or DeadlineExceeded, within 10 minutes (provider/pkg/await/job.go,
 * checker/job/check.go). Two retries and a 5-minute deadline make a failing job an error well
 * inside that wait, not a timeout (backoffLimit 6 alone spends ~630 s backing off). A failed Job
 * is awaited again on the next up, not run again, unless it carries `pulumi.com/replaceUnready`
 * (provider/pkg/provider/provider.go, Diff), which the target sets: the next up replaces it and
 * so runs it again. Its template carries a digest of the credentials it reads, so a rotated
 * credential runs it again too.
 */
export function jobSpec(t: Task, labels: Record<string, string>, hasFiles: boolean) {
    return {
        backoffLimit: JOB_RETRIES,
        activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
        template: {
            metadata: {
                labels: { ...labels, ...Object.fromEntries(t.reaches.map((n) => [reachLabel(n), "true"])) },
                annotations: { "slipway.dev/credentials-hash": credentialsDigest(t.secretEnv) },
            },
            spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: { runAsNonRoot: true, runAsUser: t.user.uid, runAsGroup: t.user.gid, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "task",
                        image: t.image,
                        command: [...t.command],
                        env: containerEnv(t.env, t.secretEnv),
                        volumeMounts: [
                            { name: "tmp", mountPath: "/tmp" },
                            ...t.files.map((f) => ({ name: "files", mountPath: f.path, subPath: fileKey(f.path), readOnly: true })),
                        ],
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                        securityContext: restrictedContainer(true, t.user.uid, t.user.gid),
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: {} }, ...(hasFiles ? [{ name: "files", configMap: { name: configMapName(t.name) } }] : [])],
            },
        },
    };
}
