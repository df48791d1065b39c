// What a stack may change about a catalog service, and what it may not: each catalog type sets
// some variables and flags itself, and some of them are its security (an admin password, a flag
// that turns authentication on). An override that replaced one would weaken the platform
// without a word, so it is refused, path first, before anything is created.
// - `env` and `secrets` may not set a variable the type owns (TypeInfo.ownedEnv);
// - `command` is refused on every catalog type: its setup runs through the image's entrypoint;
// - `args` is refused, unless the type appends the user's after its own (TypeInfo.args).
// `app`, the team's own image, owns nothing: every field is the user's.
import { ServiceSpec } from "../model";
import { TypeInfo } from "./services";
import { Report } from "./util";

/** The owned name or prefix (`GF_AUTH_*`) that covers `key`, if any. */
export function ownedBy(owned: readonly string[], key: string): string | undefined {
    return owned.find((o) => (o.endsWith("*") ? key.startsWith(o.slice(0, -1)) : key === o));
}

export function overrideProblems(services: readonly ServiceSpec[], types: Readonly<Record<string, TypeInfo>>, problem: Report): void {
    for (const svc of services) {
        const info = types[svc.type];
        if (!info || svc.type === "app") continue;
        const at = `services.${svc.name}`;
        const owned = info.ownedEnv ?? [];
        const refuse = (path: string, key: string, rule: string) =>
            problem(path, `type ${svc.type} sets ${key} itself${rule === key ? "" : ` (it owns ${rule})`}, and its security depends on it; a stack may not set it`);
        for (const key of Object.keys(svc.env)) {
            const rule = ownedBy(owned, key);
            if (rule) refuse(`${at}.env.${key}`, key, rule);
        }
        svc.secrets.forEach((key, i) => {
            const rule = ownedBy(owned, key);
            if (rule) refuse(`${at}.secrets[${i}]`, key, rule);
        });
        if (svc.command !== undefined) {
            problem(`${at}.command`, `type ${svc.type} runs its own setup through its image's entrypoint, which a command would replace; command is for type app only`);
        }
        if (svc.args !== undefined && info.args !== "append") {
            problem(`${at}.args`, `type ${svc.type} takes no args: its own flags carry its setup, a flag given later can undo one of them, and its image's entrypoint runs any other command it is given`);
        }
    }
}
