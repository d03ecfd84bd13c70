export * from "./errors";
export * from "./common";
export * from "./auth";
export * from "./projects";
export * from "./workspace";
export * from "./llm";
