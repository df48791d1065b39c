// Slipway: stack config in, a whole platform with generated credentials out.
// Pulumi runs the build of this file, bin/index.js: first, it refuses to run a build that is
// older than its sources (components/fresh-build.ts); the import order is the run order.
import { assertFreshBuild } from "./components/fresh-build";
assertFreshBuild(__filename);
import { main } from "./components/program";

const outputs = main();

export const target = outputs.target;
export const endpoints = outputs.endpoints;
export const credentials = outputs.credentials;
export const namespace = outputs.namespace;
export const cluster = outputs.cluster;
export const kubeconfig = outputs.kubeconfig;
export const host = outputs.host;
