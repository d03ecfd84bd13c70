export * from "./errors";
export * from "./common";
export * from "./auth";
export * from "./projects";
export * from "./events";
export * from "./runs";
export * from "./workspace";
export * from "./llm";
