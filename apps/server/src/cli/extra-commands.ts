// Owns registering the commands contributed by capabilities (one import per capability).
export {};
