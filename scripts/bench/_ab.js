"use strict";
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { setMocks } = require("./mocks");
const fs = require("fs");
(async () => {
  const [mode, stack, file] = process.argv.slice(2);
  await setMocks(pulumi, stack);
  for (const p of ["@pulumi/aws","@pulumi/kubernetes","@pulumi/random","@pulumi/tls","@pulumi/docker","@pulumi/command"]) require(p);
  Error.stackTraceLimit = 0;
  let t0, t1, outs;
  if (mode === "program") {
    pulumi.runtime.setAllConfig(JSON.parse(fs.readFileSync(file, "utf8")));
    const { main } = require("/work/main/bin/components/program.js");
    require("/work/main/bin/components/targets/aws/eks-target.js"); require("/work/main/bin/components/targets/kubernetes.js"); require("/work/main/bin/components/targets/docker.js");
    // preload classes the program uses
    const rec = JSON.parse(fs.readFileSync(`/tmp/rec-${stack}.json`, "utf8"));
    for (const r of rec) cls(r.type);
    t0 = process.hrtime.bigint();
    const o = main();
    t1 = process.hrtime.bigint();
    outs = [o.endpoints.promise(), o.credentials.promise()];
  } else {
    const rec = JSON.parse(fs.readFileSync(`/tmp/rec-${stack}.json`, "utf8"));
    for (const r of rec) cls(r.type);
    t0 = process.hrtime.bigint();
    const rs = rec.map((r) => r.type.startsWith("slipway:") ? (() => { const c = new pulumi.ComponentResource(r.type, r.name, {}); c.registerOutputs({}); return c; })() : new (cls(r.type))(r.name, r.inputs));
    t1 = process.hrtime.bigint();
    outs = rs.map((r) => r.urn.promise());
  }
  await Promise.all(outs); await waitForRPCs();
  const t2 = process.hrtime.bigint();
  console.log(mode, "sync", (Number(t1 - t0) / 1e6).toFixed(0), "async", (Number(t2 - t1) / 1e6).toFixed(0));
})();
function cls(type) {
  const [pkg, mod, name] = type.split(":");
  if (pkg === "slipway") return null;
  if (pkg === "pulumi" && mod === "providers") return require(`@pulumi/${name}`).Provider;
  let ns = require(`@pulumi/${pkg}`);
  const [first, version] = mod.split("/");
  if (pkg === "kubernetes") ns = ns[first.split(".")[0]][version];
  else if (first !== "index") ns = ns[first];
  return ns[name];
}
