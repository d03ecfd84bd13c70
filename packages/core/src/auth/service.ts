// Owns the account flows: register, login (with lockout), refresh rotation, logout, password change.
import type { DatabaseHandle } from "@samokoder/db";
import type { User } from "@samokoder/schema";
import { findUserByEmail, findUserById, insertUser, presentUser, type UserRecord, updatePasswordHash } from "../accounts/index";
import { type ClientInfo, recordAuditEvent } from "../audit/index";
import type { Clock } from "../clock";
import type { Config } from "../config/index";
import { AppError, notFound, tooManyRequests, unauthorized } from "../errors/index";
import type { AuthContext } from "./context";
import { accessTokenKey, signAccessToken } from "./access-token";
import { createCsrfToken, csrfKey } from "./csrf";
import { canonicalEmail, normalizeEmail } from "./email";
import { lockedUntil, recordLoginAttempt } from "./lockout";
import { dummyVerify, hashPassword, verifyPassword, warmDummyHash } from "./password-hash";
import { assertStrongPassword } from "./password-policy";
import { createSession, revokeOtherSessions, revokeSession, rotateRefreshToken } from "./sessions";

export interface AuthDeps {
  db: DatabaseHandle;
  clock: Clock;
  config: Pick<Config, "secretKey" | "lockout" | "tokens">;
}

/** What a sign-in hands to the transport: it decides how to deliver them (cookies). */
export interface SessionTokens {
  sessionId: string;
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  csrfToken: string;
}

const invalidCredentials = () => new AppError("invalid_credentials", 401, "Email or password is incorrect");

export function createAccountFlows(deps: AuthDeps) {
  const { db, clock, config } = deps;
  const accessKey = accessTokenKey(config.secretKey);
  const csrf = csrfKey(config.secretKey);
  const audit = (entry: Parameters<typeof recordAuditEvent>[2]) => recordAuditEvent(db, clock.now(), entry);
  warmDummyHash();

  async function tokensFor(userId: string, sessionId: string, refreshToken: string): Promise<SessionTokens> {
    const access = await signAccessToken(accessKey, { userId, sessionId }, clock.now(), config.tokens.accessTtlSeconds);
    return {
      sessionId,
      accessToken: access.token,
      accessExpiresAt: access.expiresAt,
      refreshToken,
      csrfToken: createCsrfToken(csrf, sessionId),
    };
  }

  async function startSession(user: UserRecord, client: ClientInfo): Promise<SessionTokens> {
    const { sessionId, refreshToken } = await createSession(db, user.id, client, clock.now(), config.tokens.refreshTtlSeconds);
    return tokensFor(user.id, sessionId, refreshToken);
  }

  return {
    async register(
      input: { email: string; password: string; name?: string | undefined },
      client: ClientInfo,
    ): Promise<{ user: User; tokens: SessionTokens }> {
      const email = normalizeEmail(input.email);
      assertStrongPassword(input.password);
      // Checked before hashing only to save work; the unique index is what guarantees it.
      if (await findUserByEmail(db, email)) throw new AppError("email_taken", 409, "An account with this email already exists");
      const passwordHash = await hashPassword(input.password);
      const user = await insertUser(db, { email, name: input.name ?? null, passwordHash, role: "user" }, clock.now());
      await audit({ event: "auth.register", userId: user.id, client });
      return { user: presentUser(user), tokens: await startSession(user, client) };
    },

    async login(input: { email: string; password: string }, client: ClientInfo): Promise<{ user: User; tokens: SessionTokens }> {
      const email = canonicalEmail(input.email).slice(0, 320);
      const user = await findUserByEmail(db, email);
      if (!user) {
        await dummyVerify(input.password);
        await recordLoginAttempt(db, { email, userId: null, client, success: false }, clock.now());
        await audit({ event: "auth.login_failed", userId: null, success: false, client, details: { reason: "unknown_email" } });
        throw invalidCredentials();
      }
      const lock = await lockedUntil(db, user.id, client.ip, config.lockout, clock.now());
      if (lock) {
        await recordLoginAttempt(db, { email, userId: user.id, client, success: false }, clock.now());
        await audit({ event: "auth.login_failed", userId: user.id, success: false, client, details: { reason: "locked" } });
        const error = tooManyRequests(
          "account_locked",
          "Too many failed logins; try again later",
          (lock.getTime() - clock.now().getTime()) / 1000,
        );
        throw error;
      }
      if (!(await verifyPassword(user.passwordHash, input.password))) {
        await recordLoginAttempt(db, { email, userId: user.id, client, success: false }, clock.now());
        await audit({ event: "auth.login_failed", userId: user.id, success: false, client, details: { reason: "wrong_password" } });
        if (await lockedUntil(db, user.id, client.ip, config.lockout, clock.now())) {
          await audit({
            event: "auth.lockout",
            userId: user.id,
            success: false,
            client,
            details: { minutes: config.lockout.windowMinutes },
          });
        }
        throw invalidCredentials();
      }
      await recordLoginAttempt(db, { email, userId: user.id, client, success: true }, clock.now());
      const tokens = await startSession(user, client);
      await audit({ event: "auth.login", userId: user.id, client, details: { sessionId: tokens.sessionId } });
      return { user: presentUser(user), tokens };
    },

    /** Rotates the refresh token; a used token revokes its whole family and fails. */
    async refresh(refreshToken: string, client: ClientInfo): Promise<SessionTokens> {
      const result = await rotateRefreshToken(db, refreshToken, clock.now(), config.tokens.refreshTtlSeconds);
      if (result.outcome === "reused") {
        await revokeSession(db, result.sessionId, "refresh_reuse", clock.now());
        await audit({
          event: "auth.refresh_reuse",
          userId: result.userId,
          success: false,
          client,
          details: { sessionId: result.sessionId },
        });
        throw unauthorized("This refresh token was already used; the session has been revoked");
      }
      if (result.outcome === "invalid") throw unauthorized("Invalid or expired refresh token");
      return tokensFor(result.userId, result.sessionId, result.refreshToken);
    },

    async logout(session: { sessionId: string; userId: string }, client: ClientInfo): Promise<void> {
      await revokeSession(db, session.sessionId, "logout", clock.now());
      await audit({ event: "auth.logout", userId: session.userId, client, details: { sessionId: session.sessionId } });
    },

    async me(userId: string): Promise<User> {
      const user = await findUserById(db, userId);
      if (!user) throw notFound("User");
      return presentUser(user);
    },

    /** Requires the current password; revokes every other session (all of them for token callers). */
    async changePassword(auth: AuthContext, input: { currentPassword: string; newPassword: string }, client: ClientInfo): Promise<void> {
      const user = await findUserById(db, auth.userId);
      if (!user) throw unauthorized();
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        await audit({
          event: "auth.password_changed",
          userId: user.id,
          success: false,
          client,
          details: { reason: "wrong_current_password" },
        });
        throw new AppError("invalid_credentials", 401, "The current password is incorrect");
      }
      assertStrongPassword(input.newPassword);
      await updatePasswordHash(db, user.id, await hashPassword(input.newPassword), clock.now());
      const revoked = await revokeOtherSessions(db, user.id, auth.sessionId, "password_changed", clock.now());
      await audit({ event: "auth.password_changed", userId: user.id, client, details: { revokedSessions: revoked } });
    },
  };
}
