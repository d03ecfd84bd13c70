// Owns reading the authenticated caller inside a handler whose route requires sign-in.
import { type AuthContext, unauthorized } from "@samokoder/core";
import type { FastifyRequest } from "fastify";

export function currentUser(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}
