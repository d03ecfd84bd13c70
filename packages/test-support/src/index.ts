export * from "./database";
export * from "./app";
export * from "./fake-llm/index";
export * from "./users";
