// Owns turning cookies / Authorization headers into an AuthContext.
import { type AuthContext, isPersonalAccessToken, unauthorized } from "@samokoder/core";
import type { FastifyRequest } from "fastify";
import type { Runtime } from "../runtime";
import { ACCESS_COOKIE } from "./auth-cookies";

/**
 * An explicit Authorization header wins over cookies: `Bearer skp_…` is a personal access token,
 * any other bearer value must be an access JWT (accepted during the v1 grace period). Presented but
 * invalid credentials throw; no credentials at all resolve to null (anonymous).
 */
export function resolveCredentials(runtime: Runtime) {
  return async (request: FastifyRequest): Promise<AuthContext | null> => {
    const auth = runtime.services.auth;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer +([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(header.trim());
      const token = match?.[1];
      if (!token) throw unauthorized("Unsupported Authorization header; send `Bearer <token>`");
      if (isPersonalAccessToken(token)) return auth.authenticatePersonalAccessToken(token);
      return auth.authenticateAccessToken(token, "bearer-jwt");
    }
    const cookie = request.cookies[ACCESS_COOKIE];
    if (cookie) return auth.authenticateAccessToken(cookie, "cookie");
    return null;
  };
}
