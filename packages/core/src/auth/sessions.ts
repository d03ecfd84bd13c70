// Owns sessions and their refresh-token families: issue, rotate with reuse detection, revoke.
import type { SqlRunner } from "@samokoder/db";
import type { ClientInfo } from "../audit/index";
import { randomToken, sha256 } from "./crypto";

export const REFRESH_TOKEN_PREFIX = "skr_";

export interface ActiveSession {
  sessionId: string;
  userId: string;
  role: "user" | "admin";
  tier: "free" | "starter" | "pro" | "team";
}

export async function createSession(
  db: SqlRunner,
  userId: string,
  client: ClientInfo,
  now: Date,
  refreshTtlSeconds: number,
): Promise<{ sessionId: string; refreshToken: string }> {
  const expiresAt = new Date(now.getTime() + refreshTtlSeconds * 1000);
  const rows = await db.query<{ id: string }>(
    "INSERT INTO sessions (user_id, created_at, expires_at, ip_address, user_agent) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    [userId, now, expiresAt, client.ip, client.userAgent],
  );
  const sessionId = rows[0]?.id;
  if (!sessionId) throw new Error("session insert returned no row");
  const refreshToken = await issueRefreshToken(db, sessionId, now, expiresAt);
  return { sessionId, refreshToken };
}

async function issueRefreshToken(db: SqlRunner, sessionId: string, now: Date, expiresAt: Date): Promise<string> {
  const token = randomToken(REFRESH_TOKEN_PREFIX);
  await db.query("INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)", [
    sessionId,
    sha256(token),
    now,
    expiresAt,
  ]);
  return token;
}

export type RotationResult =
  | { outcome: "rotated"; sessionId: string; userId: string; refreshToken: string }
  | { outcome: "reused"; sessionId: string; userId: string }
  | { outcome: "invalid" };

/**
 * Exchanges a refresh token for a new one in the same family. Marking it used is a conditional update,
 * so two concurrent presentations of one token cannot both succeed: the loser counts as reuse.
 */
export async function rotateRefreshToken(db: SqlRunner, token: string, now: Date, refreshTtlSeconds: number): Promise<RotationResult> {
  const rows = await db.query<{
    id: string;
    session_id: string;
    user_id: string;
    used_at: Date | null;
    expires_at: Date | string;
    revoked_at: Date | null;
    session_expires_at: Date | string;
  }>(
    `SELECT r.id, r.session_id, s.user_id, r.used_at, r.expires_at, s.revoked_at, s.expires_at AS session_expires_at
     FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1`,
    [sha256(token)],
  );
  const row = rows[0];
  if (!row || row.revoked_at !== null) return { outcome: "invalid" };
  if (row.used_at !== null) return { outcome: "reused", sessionId: row.session_id, userId: row.user_id };
  if (new Date(row.expires_at) <= now) return { outcome: "invalid" };
  const claimed = await db.query("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL RETURNING id", [row.id, now]);
  if (claimed.length === 0) return { outcome: "reused", sessionId: row.session_id, userId: row.user_id };
  const expiresAt = new Date(now.getTime() + refreshTtlSeconds * 1000);
  await db.query("UPDATE sessions SET expires_at = $2 WHERE id = $1", [row.session_id, expiresAt]);
  const refreshToken = await issueRefreshToken(db, row.session_id, now, expiresAt);
  return { outcome: "rotated", sessionId: row.session_id, userId: row.user_id, refreshToken };
}

/** The session a refresh token belongs to, whether or not it is still usable (for logout and CSRF binding). */
export async function sessionOfRefreshToken(db: SqlRunner, token: string): Promise<{ sessionId: string; userId: string } | null> {
  const rows = await db.query<{ session_id: string; user_id: string }>(
    "SELECT r.session_id, s.user_id FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1",
    [sha256(token)],
  );
  const row = rows[0];
  return row ? { sessionId: row.session_id, userId: row.user_id } : null;
}

export async function findActiveSession(db: SqlRunner, sessionId: string, userId: string, now: Date): Promise<ActiveSession | null> {
  const rows = await db.query<{ id: string; user_id: string; role: "user" | "admin"; tier: ActiveSession["tier"] }>(
    `SELECT s.id, s.user_id, u.role, u.tier FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`,
    [sessionId, userId, now],
  );
  const row = rows[0];
  return row ? { sessionId: row.id, userId: row.user_id, role: row.role, tier: row.tier } : null;
}

export async function revokeSession(db: SqlRunner, sessionId: string, reason: string, now: Date): Promise<void> {
  await db.query("UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL", [sessionId, now, reason]);
}

/** Revokes every session of a user except `keep` (null: all); returns how many were revoked. */
export async function revokeOtherSessions(db: SqlRunner, userId: string, keep: string | null, reason: string, now: Date): Promise<number> {
  const rows = await db.query(
    "UPDATE sessions SET revoked_at = $3, revoked_reason = $4 WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) RETURNING id",
    [userId, keep, now, reason],
  );
  return rows.length;
}
