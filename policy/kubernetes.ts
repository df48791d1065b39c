// Kubernetes: every pod meets the `restricted` Pod Security Standard
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), every
// container has limits, and no credential is a literal value in a container's environment.
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, restrictedViolations } from "./restricted";

/** The kinds that carry a pod template, and where it sits. */
const POD_TEMPLATES: Record<string, (props: any) => any> = {
    "kubernetes:apps/v1:Deployment": (p) => p.spec?.template?.spec,
    "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template?.spec,
    "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template?.spec,
    "kubernetes:batch/v1:Job": (p) => p.spec?.template?.spec,
    "kubernetes:batch/v1:CronJob": (p) => p.spec?.jobTemplate?.spec?.template?.spec,
    "kubernetes:core/v1:Pod": (p) => p.spec,
};

/** Names of variables whose values are credentials: they must come from a Secret. */
const CREDENTIAL = /(PASSWORD|PASSWD|TOKEN|SECRET|SECRET_KEY|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/;
/** A URL with a password in it. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^/@\s]+@/i;

function podSpec(args: ResourceValidationArgs): any | undefined {
    const at = POD_TEMPLATES[args.type];
    return at ? at(args.props) : undefined;
}

export const kubernetesPolicies: ResourceValidationPolicy[] = [
    {
        name: "k8s-restricted-pod-security",
        description: "Every pod meets the restricted Pod Security Standard.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            const spec = podSpec(args);
            if (spec) for (const v of restrictedViolations(spec)) report(`${args.name}: ${v}`);
        },
    },
    {
        name: "k8s-resource-limits",
        description: "Every container has CPU and memory limits.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            const spec = podSpec(args);
            for (const c of spec ? containersOf(spec) : []) {
                const limits = c.resources?.limits ?? {};
                if (!limits.cpu || !limits.memory) report(`${args.name}: container ${c.name} has no CPU or memory limit`);
            }
        },
    },
    {
        name: "k8s-no-literal-secrets",
        description: "No container receives a credential as a literal value in its environment; credentials come from a Secret (secretKeyRef).",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            const spec = podSpec(args);
            for (const c of spec ? containersOf(spec) : []) {
                for (const e of c.env ?? []) {
                    if (e.value === undefined) continue;
                    if (CREDENTIAL.test(e.name) || URL_WITH_PASSWORD.test(String(e.value))) report(`${args.name}: container ${c.name} gets ${e.name} as a literal value`);
                }
            }
        },
    },
];
