// The unit suite: every test file under ts-node, transpile-only (the test command type-checks once
// with tsc --noEmit first). Files run in parallel worker processes, at least two: each file sets
// Pulumi's mocks in its own process, and no test writes into the project.
const os = require("os");

module.exports = {
    require: ["ts-node/register/transpile-only"],
    spec: ["test/**/*.test.ts"],
    timeout: 30000,
    reporter: "spec",
    parallel: true,
    jobs: Math.max(2, os.cpus().length - 1),
};
