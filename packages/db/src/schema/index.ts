export * from "./accounts";
export * from "./projects";
export * from "./llm";
