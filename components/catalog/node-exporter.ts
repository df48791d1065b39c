import { CatalogType } from "./types";

// prom/node-exporter: Prometheus busybox image (wget), USER nobody (65534). Its README runs it
// with the host's / mounted read-only and --path.rootfs; Slipway mounts /proc, /sys and / under
// /host and points the collectors there. Reading these needs no root. Without the host's PID and
// network namespaces (which no HostAccess grants) the network collectors see the container's own
// interfaces, not the host's.
export const nodeExporter: CatalogType = {
    type: "node-exporter",
    image: "prom/node-exporter:v1.9.1",
    ports: [{ name: "metrics", port: 9100, access: "client" }],
    ownedEnv: [],
    // Its flags choose what is measured; none opens access, and the user's come after its own.
    args: "append",
    scheme: "http",
    user: { uid: 65534, gid: 65534 },
    hostAccess: {
        reason: "node-exporter reports the host's CPU, memory, disks and filesystems from its /proc, /sys and /",
        mounts: [
            { hostPath: "/proc", path: "/host/proc" },
            { hostPath: "/sys", path: "/host/sys" },
            { hostPath: "/", path: "/host/root" },
        ],
    },
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:9100/",
    resources: { cpu: 0.1, memoryMiB: 64, storageGiB: 0 },
    metrics: () => ({ port: 9100, path: "/metrics" }),
    configure: () => ({
        args: ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"],
    }),
};
