export { buildApp, type App } from "./app";
export { createRuntime, createLogger, type Runtime } from "./runtime";
