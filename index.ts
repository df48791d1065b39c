// Slipway: stack config in, a whole platform with generated credentials out.
import { main } from "./components/program";

const outputs = main();

export const target = outputs.target;
export const endpoints = outputs.endpoints;
export const credentials = outputs.credentials;
export const namespace = outputs.namespace;
export const cluster = outputs.cluster;
export const kubeconfig = outputs.kubeconfig;
export const host = outputs.host;
