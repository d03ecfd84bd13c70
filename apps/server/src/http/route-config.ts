// Owns the per-route options every route may declare, and the request decorations they rely on.
import type { AuthContext } from "@samokoder/core";

/**
 * `auth` decides who may call a route. Under /api/v1 the default is "user" (secure by default);
 * elsewhere the default is "none".
 * - none: anyone; credentials are not even read.
 * - optional: credentials are read when present.
 * - user: a signed-in user (cookie, bearer JWT or personal access token).
 * - admin: a signed-in admin.
 */
export type RouteAuth = "none" | "optional" | "user" | "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export function routeAuth(url: string | undefined, declared: RouteAuth | undefined): RouteAuth {
  if (declared) return declared;
  return url?.startsWith("/api/v1/") ? "user" : "none";
}
