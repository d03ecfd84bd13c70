export * from "./accounts";
export * from "./projects";
export * from "./engine";
export * from "./llm";
