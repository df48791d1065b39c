"use strict";
const started = process.hrtime.bigint();
const pulumi = require("@pulumi/pulumi");
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const { createdState, INVOKES, SECRET_SIG, SECRET_SIG_KEY } = require(process.env.SLIPWAY_BENCH_DOUBLES);
const fs = require("fs");
(async () => {
  const [mode, stack, config] = process.argv.slice(2);
  const rec = [];
  let count = 0;
  await pulumi.runtime.setMocks({
    newResource(args) { count++; if (mode === "record") rec.push({ type: args.type, name: args.name, inputs: args.inputs });
      const secret = (value) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
      const state = { ...args.inputs, ...createdState(args.type, args.name, args.inputs, secret) };
      if (args.type === "random:index/randomPassword:RandomPassword") state.result = secret(`gen${count}xxxxxxxxxxxxxxxxxxxxxxxxx`);
      return { id: `${args.name}-id`, state }; },
    call(args) { return INVOKES[args.token](args.inputs); },
  }, "slipway", stack, false);
  if (mode === "record") {
    pulumi.runtime.setAllConfig(JSON.parse(config));
    const program = require("/work/main/bin/index.js");
    await Promise.all(Object.values(program).filter((o) => pulumi.Output.isInstance(o)).map((o) => o.promise()));
    await waitForRPCs();
    fs.writeFileSync(`/tmp/replay-${stack}.json`, JSON.stringify(rec));
    return;
  }
  Error.stackTraceLimit = 0;
  const recs = JSON.parse(fs.readFileSync(`/tmp/replay-${stack}.json`, "utf8"));
  const t1 = process.hrtime.bigint(); const out = [];
  for (const r of recs) {
    let res;
    const [pkg, mod, cls] = r.type.split(":");
    if (pkg === "slipway") { res = new pulumi.ComponentResource(r.type, r.name, {}); res.registerOutputs({}); }
    else if (pkg === "pulumi") { res = new (require("@pulumi/kubernetes").Provider)(r.name, r.inputs); }
    else {
      let ns = require(`@pulumi/${pkg}`);
      if (pkg === "command") ns = ns[mod];
      else if (pkg === "kubernetes") { const [g, v] = mod.split("/"); ns = ns[g === "core" ? "core" : g.split(".")[0]][v]; }
      else { const m = mod.split("/")[0]; if (m !== "index") ns = ns[m]; }
      res = new ns[cls](r.name, r.inputs);
    }
    out.push(res.urn.promise());
  }
  const t2 = process.hrtime.bigint(); await Promise.all(out);
  await waitForRPCs();
  console.error("replay pre", Number(t1 - started) / 1e6 | 0, "sync", Number(t2 - t1) / 1e6 | 0, "async", Number(process.hrtime.bigint() - t2) / 1e6 | 0);
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, resources: count }));
})().catch((e) => { console.error(e); process.exit(1); });
