export * from "./database";
export * from "./app";
export * from "./cli";
export * from "./fake-llm/index";
export * from "./users";
export * from "./engine-script";
export * from "./gguf";
