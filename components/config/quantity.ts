// Kubernetes-style quantities, the notation users already know for sizing:
// cpu "500m" or "0.5"; memory and storage "512Mi", "1Gi", "1G".

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const BYTES = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;

const FACTORS: Record<string, number> = {
    "": 1,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
};

/** CPU cores from "500m", "0.5" or 2; undefined when it is not a CPU quantity. */
export function parseCpu(value: unknown): number | undefined {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string") return undefined;
    const m = CPU.exec(text.trim());
    if (!m) return undefined;
    const cores = Number(m[1]) / (m[2] === "m" ? 1000 : 1);
    return cores > 0 ? cores : undefined;
}

/** Bytes from "512Mi", "1G" or a plain number of bytes; undefined when it is not a size. */
export function parseBytes(value: unknown): number | undefined {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string") return undefined;
    const m = BYTES.exec(text.trim());
    if (!m) return undefined;
    const bytes = Number(m[1]) * FACTORS[m[2] ?? ""];
    return bytes > 0 ? bytes : undefined;
}

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/** Kubernetes notation for a CPU count: 0.25 -> "250m", 2 -> "2". */
export function formatCpu(cores: number): string {
    return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}
