// Owns the session cookies: names, scopes and flags, set and cleared in one place.
import type { Config, SessionTokens } from "@samokoder/core";
import type { FastifyReply, FastifyRequest } from "fastify";

export const ACCESS_COOKIE = "access_token";
export const REFRESH_COOKIE = "refresh_token";
/** Readable by the page (not httpOnly) so a reloaded SPA can echo it as X-CSRF-Token. */
export const CSRF_COOKIE = "csrf_token";
export const REFRESH_COOKIE_PATH = "/api/v1/auth";

export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, tokens: SessionTokens, ttl: Config["tokens"]): void {
  const base = { sameSite: "strict" as const, secure: request.protocol === "https" };
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, { ...base, path: "/", httpOnly: true, maxAge: ttl.accessTtlSeconds });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    ...base,
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    maxAge: ttl.refreshTtlSeconds,
  });
  setCsrfCookie(request, reply, tokens.csrfToken, ttl.refreshTtlSeconds);
}

export function setCsrfCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAge: number): void {
  reply.setCookie(CSRF_COOKIE, token, { sameSite: "strict", secure: request.protocol === "https", path: "/", httpOnly: false, maxAge });
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const base = { sameSite: "strict" as const, secure: request.protocol === "https" };
  reply.clearCookie(ACCESS_COOKIE, { ...base, path: "/", httpOnly: true });
  reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { ...base, path: "/" });
}
