export * from "./client";
export * from "./migrate";
export * as tables from "./schema/index";
export * from "./schema/index";
export * from "./listen";
