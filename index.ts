// Slipway: stack config in, a whole platform with generated credentials out.
// Pulumi runs the build of this file, bin/index.js: first, it refuses to run a build that is
// older than its sources (components/fresh-build.ts); the import order is the run order.
import { assertFreshBuild } from "./components/fresh-build";
assertFreshBuild(__filename);
// The Pulumi SDK formats a stack trace for every promise it makes, dozens per resource
// (@pulumi/pulumi runtime/debuggable.js, debuggablePromise: `new Error().stack`, kept only to
// explain leaked promises); that costs more than the whole program. So no stack is captured
// during a run: errors keep their messages. SLIPWAY_STACK_TRACES=1 keeps them, for debugging.
if (process.env.SLIPWAY_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
import { main } from "./components/program";

const outputs = main();

export const target = outputs.target;
export const endpoints = outputs.endpoints;
export const credentials = outputs.credentials;
export const namespace = outputs.namespace;
export const cluster = outputs.cluster;
export const kubeconfig = outputs.kubeconfig;
export const host = outputs.host;
