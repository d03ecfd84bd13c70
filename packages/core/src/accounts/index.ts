// Public surface of accounts: user records and their presentation.
export * from "./users";
export * from "./admin";
