// Owns turning cookies / Authorization headers into an AuthContext (filled in by the auth capability).
import type { AuthContext } from "@samokoder/core";
import type { FastifyRequest } from "fastify";
import type { Runtime } from "../runtime";

export function resolveCredentials(_runtime: Runtime) {
  return async (_request: FastifyRequest): Promise<AuthContext | null> => null;
}
