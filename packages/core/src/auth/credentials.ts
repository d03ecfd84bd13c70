// Owns checking presented credentials (access JWT, personal access token, CSRF token) and managing tokens.
import type { DatabaseHandle } from "@samokoder/db";
import type { PersonalAccessToken } from "@samokoder/schema";
import { type ClientInfo, recordAuditEvent } from "../audit/index";
import type { Clock } from "../clock";
import type { Config } from "../config/index";
import { unauthorized } from "../errors/index";
import { accessTokenKey, verifyAccessToken } from "./access-token";
import type { AuthContext, AuthMethod } from "./context";
import { createCsrfToken, csrfKey, verifyCsrfToken } from "./csrf";
import {
  authenticatePersonalAccessToken,
  createPersonalAccessToken,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
} from "./personal-access-tokens";
import { findActiveSession, sessionOfRefreshToken } from "./sessions";

export interface CredentialDeps {
  db: DatabaseHandle;
  clock: Clock;
  config: Pick<Config, "secretKey">;
}

export function createCredentialChecks(deps: CredentialDeps) {
  const { db, clock, config } = deps;
  const accessKey = accessTokenKey(config.secretKey);
  const csrf = csrfKey(config.secretKey);

  return {
    /** A valid, unexpired access JWT whose session is still live; revoked sessions fail at once. */
    async authenticateAccessToken(token: string, method: Extract<AuthMethod, "cookie" | "bearer-jwt">): Promise<AuthContext> {
      const claims = await verifyAccessToken(accessKey, token, clock.now());
      const session = await findActiveSession(db, claims.sessionId, claims.userId, clock.now());
      if (!session) throw unauthorized("The session has ended; sign in again");
      return { userId: session.userId, role: session.role, tier: session.tier, method, sessionId: session.sessionId };
    },

    async authenticatePersonalAccessToken(secret: string): Promise<AuthContext> {
      const owner = await authenticatePersonalAccessToken(db, secret, clock.now());
      if (!owner) throw unauthorized("Invalid, expired or revoked access token");
      return { ...owner, method: "personal-access-token", sessionId: null };
    },

    /** CSRF tokens bind to the session (or, for token callers who do not need them, to the user). */
    csrfToken(auth: Pick<AuthContext, "sessionId" | "userId">): string {
      return createCsrfToken(csrf, auth.sessionId ?? `user:${auth.userId}`);
    },

    verifyCsrf(sessionId: string, token: string | undefined): boolean {
      return verifyCsrfToken(csrf, sessionId, token);
    },

    sessionOfRefreshToken: (token: string) => sessionOfRefreshToken(db, token),

    async createToken(
      auth: AuthContext,
      input: { name: string; expiresInDays?: number | undefined },
      client: ClientInfo,
    ): Promise<{ token: PersonalAccessToken; secret: string }> {
      const created = await createPersonalAccessToken(db, auth.userId, input, clock.now());
      await recordAuditEvent(db, clock.now(), {
        event: "token.created",
        userId: auth.userId,
        client,
        details: { tokenId: created.token.id, name: created.token.name },
      });
      return created;
    },

    listTokens: (auth: AuthContext) => listPersonalAccessTokens(db, auth.userId),

    async revokeToken(auth: AuthContext, tokenId: string, client: ClientInfo): Promise<void> {
      await revokePersonalAccessToken(db, auth.userId, tokenId, clock.now());
      await recordAuditEvent(db, clock.now(), { event: "token.revoked", userId: auth.userId, client, details: { tokenId } });
    },
  };
}
