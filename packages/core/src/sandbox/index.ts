// Public surface of the sandbox capability: the contract, the adapters and the confined-path helper.
export * from "./types";
export * from "./confine";
