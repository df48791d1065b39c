// The value the Pulumi wire protocol uses for "not known until the resource is created"
// (@pulumi/pulumi runtime/rpc.js `unknownValue`): a mock that returns it in a resource's state
// makes that output unknown to the program, as a real preview does.
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How an unknown value shows in what the tests read back from outputs. */
export const UNKNOWN_MARK = "<unknown>";
