// Public surface of the sandbox capability: the contract, the adapters and the confined-path helper.
export * from "./types";
export * from "./confine";
export { createBwrapSandbox, type ManagedSandbox, type SandboxOptions, type SandboxRunEvent } from "./bwrap-sandbox";
export { createHostSandbox } from "./host-sandbox";
export { createSandbox } from "./create-sandbox";
export { DEFAULT_LIMITS } from "./limits";
export { sandboxProblem } from "./launcher";
export { diskUsageBytes } from "./disk-usage";
export * from "./process-manager";
export type { OutputLine } from "./output-buffer";
