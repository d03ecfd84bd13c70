// Public surface of the audit capability.
export * from "./audit-log";
