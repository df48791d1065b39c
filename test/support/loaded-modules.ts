// Runs the program for one stack under mocks in a process of its own, and prints which Pulumi
// provider SDKs it loaded. Used by the AWS test to prove dev and staging never load @pulumi/aws.
import { runStack } from "../harness";

(async () => {
    const stack = process.argv[2];
    await runStack(stack);
    const sdks = Object.keys(require.cache)
        .map((p) => /node_modules\/(@pulumi\/[a-z]+)\//.exec(p)?.[1])
        .filter((x): x is string => x !== undefined);
    console.log(JSON.stringify([...new Set(sdks)].sort()));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
