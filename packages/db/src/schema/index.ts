export * from "./accounts";
export * from "./projects";
