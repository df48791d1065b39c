// Mocks for the benchmark: the test suite's own doubles (test/doubles.ts, transpiled by the
// driver before any timing starts), so that the program sees the outputs a cloud would give it.
// The program and the floors use the same mocks. With `record`, every registration (type, name,
// inputs) is kept for the replay floor (scripts/bench/floor.js).
"use strict";
const { createdState, INVOKES, SECRET_SIG, SECRET_SIG_KEY } = require(process.env.SLIPWAY_BENCH_DOUBLES);

exports.setMocks = async (pulumi, stack, record) => {
    let count = 0;
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                count++;
                if (record) record.push({ type: args.type, name: args.name, inputs: args.inputs });
                const secret = (value) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
                const state = { ...args.inputs, ...createdState(args.type, args.name, args.inputs, secret) };
                if (args.type === "random:index/randomPassword:RandomPassword") state.result = secret(`gen${count}xxxxxxxxxxxxxxxxxxxxxxxxx`);
                return { id: `${args.name}-id`, state };
            },
            call(args) {
                const answer = INVOKES[args.token];
                if (!answer) throw new Error(`unexpected invoke ${args.token}`);
                return answer(args.inputs);
            },
        },
        "slipway",
        stack,
        false,
    );
    return () => count;
};
