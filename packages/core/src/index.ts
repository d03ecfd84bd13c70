// Public surface of the domain. Capabilities are exported one line each.
export * from "./errors/index";
export * from "./config/index";
export * from "./clock";
export * from "./ids";
export * from "./auth/context";
export * from "./projects/index";
export * from "./sandbox/index";
export * from "./auth/index";
export * from "./accounts/index";
export * from "./audit/index";
export * from "./workspace/index";
export * from "./llm/index";
export * from "./keys/index";
export * from "./usage/index";
export * from "./engine/index";
export * from "./preview/index";
