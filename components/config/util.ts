// Small pieces the config modules share.

/** A problem reporter: the config path (without the namespace) and what is wrong with it. */
export type Report = (path: string, message: string) => void;

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

export const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;

export function parseBool(v: unknown): boolean | undefined {
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    return undefined;
}
