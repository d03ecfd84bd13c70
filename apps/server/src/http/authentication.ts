// Owns reading credentials into request.auth, enforcing each route's `auth` option, and CSRF for cookie writes.
import { AppError, type AuthContext, forbidden, unauthorized } from "@samokoder/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Runtime } from "../runtime";
import { routeAuth } from "./route-config";

/** Resolves the caller from cookies or the Authorization header; null when anonymous, throws when invalid. */
export type CredentialResolver = (request: FastifyRequest) => Promise<AuthContext | null>;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const CSRF_HEADER = "x-csrf-token";

export const csrfFailed = () => new AppError("csrf_failed", 403, "Missing or invalid X-CSRF-Token; get one from GET /api/v1/auth/csrf");

/**
 * Entry points without a session (register, login, refresh, logout) cannot use the session-bound token,
 * so they refuse browsers' cross-site requests outright: `Sec-Fetch-Site: cross-site`, or an Origin that is
 * neither this host nor an allowed CORS origin.
 */
export function assertSameSite(request: FastifyRequest, corsOrigins: string[]): void {
  if (request.headers["sec-fetch-site"] === "cross-site") throw csrfFailed();
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (corsOrigins.includes(origin)) return;
  let same = false;
  try {
    // Both sides through URL, so that default ports (":80", ":443") compare equal to none.
    same = new URL(origin).host === new URL(`${request.protocol}://${request.host}`).host;
  } catch {
    same = false;
  }
  if (!same) throw csrfFailed();
}

export function registerAuthentication(app: FastifyInstance, runtime: Runtime, resolve: CredentialResolver): void {
  // Presented-but-invalid credentials are remembered and only fail routes that need a caller.
  const failures = new WeakMap<FastifyRequest, AppError>();
  app.decorateRequest("auth", null);

  // Resolved at onRequest so that the rate limiter (which runs next) can key on the user.
  app.addHook("onRequest", async (request, reply) => {
    if (routeAuth(request.routeOptions.url, request.routeOptions.config.auth) === "none") return;
    try {
      request.auth = await resolve(request);
    } catch (error) {
      if (!AppError.isInstance(error)) throw error;
      failures.set(request, error);
    }
    if (request.auth?.method === "bearer-jwt") {
      // Bearer access JWTs are a v1 compatibility path; scripts should move to personal access tokens.
      reply.header("deprecation", "true");
    }
  });

  app.addHook("preHandler", async (request) => {
    const mode = routeAuth(request.routeOptions.url, request.routeOptions.config.auth);
    if (mode === "none") return;
    const failure = failures.get(request);
    if (!request.auth) {
      if (mode === "optional") return;
      throw failure ?? unauthorized();
    }
    // Bearer credentials cannot be attached by a browser on its own, so only cookie callers need the token.
    if (request.auth.method === "cookie" && UNSAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      const binding = request.auth.sessionId;
      if (typeof given !== "string" || !binding || !runtime.services.auth.verifyCsrf(binding, given)) throw csrfFailed();
    }
    if (mode === "admin" && request.auth.role !== "admin") throw forbidden("Administrator privileges required");
  });
}
