// Owns personal access tokens: shown once, stored as a SHA-256 digest, optionally expiring, revocable.
import type { SqlRunner } from "@samokoder/db";
import type { PersonalAccessToken } from "@samokoder/schema";
import { notFound } from "../errors/index";
import { randomToken, sha256 } from "./crypto";

export const PAT_PREFIX = "skp_";
const VISIBLE_PREFIX_LENGTH = PAT_PREFIX.length + 8;

interface PatRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date | string;
  expires_at: Date | string | null;
  last_used_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function present(row: PatRow): PersonalAccessToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

export function isPersonalAccessToken(value: string): boolean {
  return value.startsWith(PAT_PREFIX);
}

export async function createPersonalAccessToken(
  db: SqlRunner,
  userId: string,
  input: { name: string; expiresInDays?: number | undefined },
  now: Date,
): Promise<{ token: PersonalAccessToken; secret: string }> {
  const secret = randomToken(PAT_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const rows = await db.query<PatRow>(
    `INSERT INTO personal_access_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, prefix, created_at, expires_at, last_used_at`,
    [userId, input.name, secret.slice(0, VISIBLE_PREFIX_LENGTH), sha256(secret), now, expiresAt],
  );
  const row = rows[0];
  if (!row) throw new Error("token insert returned no row");
  return { token: present(row), secret };
}

export async function listPersonalAccessTokens(db: SqlRunner, userId: string): Promise<PersonalAccessToken[]> {
  const rows = await db.query<PatRow>(
    `SELECT id, name, prefix, created_at, expires_at, last_used_at FROM personal_access_tokens
     WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`,
    [userId],
  );
  return rows.map(present);
}

export async function revokePersonalAccessToken(db: SqlRunner, userId: string, tokenId: string, now: Date): Promise<void> {
  const rows = await db.query(
    "UPDATE personal_access_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id",
    [tokenId, userId, now],
  );
  if (rows.length === 0) throw notFound("Token");
}

/** The owner of a live token, or null. last_used_at is refreshed at most once a minute to spare writes. */
export async function authenticatePersonalAccessToken(
  db: SqlRunner,
  secret: string,
  now: Date,
): Promise<{ userId: string; role: "user" | "admin"; tier: "free" | "starter" | "pro" | "team" } | null> {
  const rows = await db.query<{
    id: string;
    user_id: string;
    role: "user" | "admin";
    tier: "free" | "starter" | "pro" | "team";
    last_used_at: Date | string | null;
  }>(
    `SELECT t.id, t.user_id, u.role, u.tier, t.last_used_at FROM personal_access_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`,
    [sha256(secret), now],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.last_used_at === null || new Date(row.last_used_at).getTime() < now.getTime() - 60_000) {
    await db.query("UPDATE personal_access_tokens SET last_used_at = $2 WHERE id = $1", [row.id, now]);
  }
  return { userId: row.user_id, role: row.role, tier: row.tier };
}
