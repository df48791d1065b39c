// The Kubernetes Pod Security Standard `restricted` (which includes `baseline`), one row per
// control, as https://kubernetes.io/docs/concepts/security/pod-security-standards/ lists them.
// Each check returns the violations it finds in a pod spec. The policy pack enforces it at
// preview time (kubernetes.ts); the tests hold every pod the program makes to it.

type Pod = Record<string, any>;
export const containersOf = (pod: Pod): Pod[] => [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];

const BASELINE_CAPS = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export const RESTRICTED_CONTROLS: { control: string; check: (pod: Pod) => string[] }[] = [
    {
        control: "Host Namespaces",
        check: (pod) => ["hostNetwork", "hostPID", "hostIPC"].filter((k) => pod[k] === true).map((k) => `${k} is true`),
    },
    {
        control: "Privileged Containers",
        check: (pod) => containersOf(pod).filter((c) => c.securityContext?.privileged === true).map((c) => `${c.name} is privileged`),
    },
    {
        control: "Capabilities (baseline)",
        check: (pod) =>
            containersOf(pod).flatMap((c) => (c.securityContext?.capabilities?.add ?? []).filter((a: string) => !BASELINE_CAPS.includes(a)).map((a: string) => `${c.name} adds ${a}`)),
    },
    {
        control: "HostPath Volumes",
        check: (pod) => (pod.volumes ?? []).filter((v: Pod) => v.hostPath).map((v: Pod) => `volume ${v.name} is a hostPath`),
    },
    {
        control: "Host Ports",
        check: (pod) => containersOf(pod).flatMap((c) => (c.ports ?? []).filter((p: Pod) => p.hostPort).map((p: Pod) => `${c.name} uses host port ${p.hostPort}`)),
    },
    {
        control: "AppArmor, SELinux, /proc Mount Type, Sysctls (left at their defaults)",
        check: (pod) => [
            ...(pod.securityContext?.sysctls?.length ? ["pod sets sysctls"] : []),
            ...containersOf(pod).filter((c) => c.securityContext?.procMount && c.securityContext.procMount !== "Default").map((c) => `${c.name} procMount`),
            ...containersOf(pod).filter((c) => c.securityContext?.appArmorProfile?.type === "Unconfined").map((c) => `${c.name} AppArmor unconfined`),
            ...[pod.securityContext, ...containersOf(pod).map((c) => c.securityContext)]
                .filter((s) => s?.seLinuxOptions?.type && !["container_t", "container_init_t", "container_kvm_t"].includes(s.seLinuxOptions.type))
                .map(() => "custom SELinux type"),
        ],
    },
    {
        control: "Volume Types (restricted)",
        check: (pod) =>
            (pod.volumes ?? [])
                .filter((v: Pod) => !Object.keys(v).filter((k) => k !== "name").every((k) => RESTRICTED_VOLUMES.includes(k)))
                .map((v: Pod) => `volume ${v.name} has a forbidden type`),
    },
    {
        control: "Privilege Escalation",
        check: (pod) => containersOf(pod).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => `${c.name} may escalate privileges`),
    },
    {
        control: "Running as Non-root",
        check: (pod) =>
            containersOf(pod)
                .filter((c) => !(c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot))
                .map((c) => `${c.name} is not required to run as non-root`),
    },
    {
        control: "Running as Non-root user",
        check: (pod) => [
            ...(pod.securityContext?.runAsUser === 0 ? ["pod runs as uid 0"] : []),
            ...containersOf(pod).filter((c) => c.securityContext?.runAsUser === 0).map((c) => `${c.name} runs as uid 0`),
        ],
    },
    {
        control: "Seccomp",
        check: (pod) => {
            const ok = (t?: string) => t === "RuntimeDefault" || t === "Localhost";
            const podType = pod.securityContext?.seccompProfile?.type;
            return containersOf(pod)
                .filter((c) => {
                    const t = c.securityContext?.seccompProfile?.type;
                    return t ? !ok(t) : !ok(podType);
                })
                .map((c) => `${c.name} has no RuntimeDefault/Localhost seccomp profile`);
        },
    },
    {
        control: "Capabilities (restricted)",
        check: (pod) =>
            containersOf(pod).flatMap((c) => [
                ...(!(c.securityContext?.capabilities?.drop ?? []).includes("ALL") ? [`${c.name} does not drop ALL`] : []),
                ...(c.securityContext?.capabilities?.add ?? []).filter((a: string) => a !== "NET_BIND_SERVICE").map((a: string) => `${c.name} adds ${a}`),
            ]),
    },
];

export function restrictedViolations(pod: Pod): string[] {
    return RESTRICTED_CONTROLS.flatMap((row) => row.check(pod).map((v) => `${row.control}: ${v}`));
}
