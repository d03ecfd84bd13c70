// Owns /api/v1/auth: register, login, refresh, logout, me, password and csrf. Cookies carry the session.
import { ChangePasswordBody, CsrfResponse, ErrorEnvelope, LoginBody, RegisterBody, UserResponse } from "@samokoder/schema";
import { unauthorized } from "@samokoder/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { clearSessionCookies, REFRESH_COOKIE, setCsrfCookie, setSessionCookies } from "../http/auth-cookies";
import { assertSameSite, CSRF_HEADER, csrfFailed } from "../http/authentication";
import { clientInfo } from "../http/client-info";
import { currentUser } from "../http/current-user";
import { perAddressLimit } from "../http/rate-limits";
import type { Runtime } from "../runtime";

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 409: ErrorEnvelope, 422: ErrorEnvelope, 429: ErrorEnvelope };

export const authRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const auth = runtime.services.auth;
    const { config } = runtime;
    const tags = ["auth"];

    app.post(
      "/api/v1/auth/register",
      {
        schema: {
          tags,
          summary: "Create an account and sign in (sets cookies)",
          body: RegisterBody,
          response: { 201: UserResponse, ...errors },
        },
        config: { auth: "none", rateLimit: perAddressLimit(config.rateLimits.registerPerMinute) },
      },
      async (request, reply) => {
        assertSameSite(request, config.corsOrigins);
        const { user, tokens } = await auth.register(request.body, clientInfo(request));
        setSessionCookies(request, reply, tokens, config.tokens);
        return reply.status(201).send({ user });
      },
    );

    app.post(
      "/api/v1/auth/login",
      {
        // v1 clients post an OAuth2-style form with `username`; it is mapped onto `email` before validation.
        preValidation: async (request) => {
          const body = request.body as Record<string, unknown> | null;
          if (request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") && body && !("email" in body)) {
            (request as { body: unknown }).body = { email: body.username, password: body.password };
          }
        },
        schema: {
          tags,
          summary: "Sign in (sets cookies). Also accepts form-encoded username/password.",
          consumes: ["application/json", "application/x-www-form-urlencoded"],
          body: LoginBody,
          response: { 200: UserResponse, ...errors },
        },
        config: { auth: "none", rateLimit: perAddressLimit(config.rateLimits.loginPerMinute) },
      },
      async (request, reply) => {
        assertSameSite(request, config.corsOrigins);
        const { user, tokens } = await auth.login(request.body, clientInfo(request));
        setSessionCookies(request, reply, tokens, config.tokens);
        return { user };
      },
    );

    app.post(
      "/api/v1/auth/refresh",
      {
        schema: {
          tags,
          summary: "Rotate the refresh token (cookie) and issue a new access token; needs X-CSRF-Token",
          response: { 204: z.null(), ...errors },
        },
        config: { auth: "none", rateLimit: perAddressLimit(config.rateLimits.refreshPerMinute) },
      },
      async (request, reply) => {
        assertSameSite(request, config.corsOrigins);
        const presented = request.cookies[REFRESH_COOKIE];
        if (!presented) throw unauthorized("No refresh token");
        // The refresh cookie is sent automatically, so it needs the session's CSRF token like any cookie write.
        const session = await auth.sessionOfRefreshToken(presented);
        const given = request.headers[CSRF_HEADER];
        if (session && !auth.verifyCsrf(session.sessionId, typeof given === "string" ? given : undefined)) throw csrfFailed();
        const tokens = await auth.refresh(presented, clientInfo(request));
        setSessionCookies(request, reply, tokens, config.tokens);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/api/v1/auth/logout",
      {
        schema: { tags, summary: "End this session and clear the cookies", response: { 204: z.null(), ...errors } },
        config: { auth: "optional" },
      },
      async (request, reply) => {
        assertSameSite(request, config.corsOrigins);
        let session = request.auth?.sessionId ? { sessionId: request.auth.sessionId, userId: request.auth.userId } : null;
        const presented = request.cookies[REFRESH_COOKIE];
        if (!session && presented) {
          // An expired access cookie must not stop a logout; the refresh cookie names the session instead.
          session = await auth.sessionOfRefreshToken(presented);
          const given = request.headers[CSRF_HEADER];
          if (session && !auth.verifyCsrf(session.sessionId, typeof given === "string" ? given : undefined)) throw csrfFailed();
        }
        if (session) await auth.logout(session, clientInfo(request));
        clearSessionCookies(request, reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/api/v1/auth/me",
      { schema: { tags, summary: "The signed-in user", response: { 200: UserResponse, ...errors } } },
      async (request) => ({ user: await auth.me(currentUser(request).userId) }),
    );

    app.post(
      "/api/v1/auth/password",
      {
        schema: {
          tags,
          summary: "Change the password (current password required); ends every other session",
          body: ChangePasswordBody,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.changePassword(currentUser(request), request.body, clientInfo(request));
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/api/v1/auth/csrf",
      {
        schema: {
          tags,
          summary: "A CSRF token for cookie-authenticated writes (send as X-CSRF-Token)",
          response: { 200: CsrfResponse, ...errors },
        },
      },
      async (request, reply) => {
        const csrfToken = auth.csrfToken(currentUser(request));
        setCsrfCookie(request, reply, csrfToken, config.tokens.refreshTtlSeconds);
        return { csrfToken };
      },
    );
  };
