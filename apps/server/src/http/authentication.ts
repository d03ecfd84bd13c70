// Owns reading credentials into request.auth and enforcing each route's `auth` option.
import { type AuthContext, forbidden, unauthorized } from "@samokoder/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Runtime } from "../runtime";
import { routeAuth } from "./route-config";

/** Resolves the caller from cookies or the Authorization header; null when anonymous. */
export type CredentialResolver = (request: FastifyRequest) => Promise<AuthContext | null>;

export function registerAuthentication(app: FastifyInstance, _runtime: Runtime, resolve: CredentialResolver): void {
  app.decorateRequest("auth", null);
  app.addHook("preHandler", async (request) => {
    const mode = routeAuth(request.routeOptions.url, request.routeOptions.config.auth);
    if (mode === "none") return;
    request.auth = await resolve(request);
    if (mode === "optional") return;
    if (!request.auth) throw unauthorized();
    if (mode === "admin" && request.auth.role !== "admin") throw forbidden("Administrator privileges required");
  });
}
