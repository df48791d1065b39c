// Kubernetes objects the program registered: finding them, and validating them against the API
// schema with the kubernetes-models package.
/* eslint-disable @typescript-eslint/no-var-requires */
import { plain, Recorded, Run } from "./harness";

export const K = {
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    job: "kubernetes:batch/v1:Job",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
};

/** Every object of a type, as plain inputs. */
export const objects = (run: Run, type: string) => run.resources.filter((r) => r.type === type).map((r) => plain(r.inputs));
export const workloads = (run: Run) => [...objects(run, K.deployment), ...objects(run, K.statefulSet)];
export const mainContainer = (w: any) => w.spec.template.spec.containers[0];

const MODELS: Record<string, any> = {
    "kubernetes:core/v1:Namespace": require("kubernetes-models/v1").Namespace,
    "kubernetes:core/v1:Service": require("kubernetes-models/v1").Service,
    "kubernetes:core/v1:Secret": require("kubernetes-models/v1").Secret,
    "kubernetes:core/v1:ConfigMap": require("kubernetes-models/v1").ConfigMap,
    "kubernetes:core/v1:ServiceAccount": require("kubernetes-models/v1").ServiceAccount,
    "kubernetes:apps/v1:Deployment": require("kubernetes-models/apps/v1").Deployment,
    "kubernetes:apps/v1:StatefulSet": require("kubernetes-models/apps/v1").StatefulSet,
    "kubernetes:batch/v1:Job": require("kubernetes-models/batch/v1").Job,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": require("kubernetes-models/networking.k8s.io/v1").NetworkPolicy,
    "kubernetes:networking.k8s.io/v1:Ingress": require("kubernetes-models/networking.k8s.io/v1").Ingress,
    "kubernetes:policy/v1:PodDisruptionBudget": require("kubernetes-models/policy/v1").PodDisruptionBudget,
    "kubernetes:storage.k8s.io/v1:StorageClass": require("kubernetes-models/storage.k8s.io/v1").StorageClass,
};

/** Throws with the object's name and the schema's complaint when one is invalid; a type without a model is an error too. */
export function validateAgainstSchema(resources: readonly Recorded[]): number {
    let n = 0;
    for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
        const Model = MODELS[r.type];
        if (!Model) throw new Error(`no schema model for ${r.type}`);
        try {
            new Model(plain(r.inputs)).validate();
        } catch (e) {
            throw new Error(`${r.type} ${r.name}: ${(e as Error).message}`);
        }
        n++;
    }
    return n;
}

export function modelFor(type: string): any {
    return MODELS[type];
}
