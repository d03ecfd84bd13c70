// Owns login attempts and the lockout rule: N failures for one account from one address lock that pair only.
import type { SqlRunner } from "@samokoder/db";
import type { ClientInfo } from "../audit/index";

export interface LockoutPolicy {
  maxFailures: number;
  windowMinutes: number;
}

export async function recordLoginAttempt(
  db: SqlRunner,
  attempt: { email: string; userId: string | null; client: ClientInfo; success: boolean },
  now: Date,
): Promise<void> {
  await db.query(
    "INSERT INTO login_attempts (email, user_id, ip_address, user_agent, success, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [attempt.email, attempt.userId, attempt.client.ip, attempt.client.userAgent, attempt.success, now],
  );
}

/**
 * When the account is locked for this address, the moment the lock lifts; otherwise null.
 * Counts failures inside the window since the last success from the same address. Keyed by user id, so
 * attempts on unknown emails (user id null) can never lock anyone, and other addresses are unaffected.
 * The lock lasts one window from the failure that completed the run of N (attempts during the lock
 * are failures too, so hammering keeps the attacker's address locked, never the owner's).
 */
export async function lockedUntil(db: SqlRunner, userId: string, ip: string, policy: LockoutPolicy, now: Date): Promise<Date | null> {
  const windowMs = policy.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  const rows = await db.query<{ created_at: Date | string }>(
    `SELECT created_at FROM login_attempts
     WHERE user_id = $1 AND ip_address = $2 AND success = false AND created_at > $3
       AND created_at > COALESCE((SELECT max(created_at) FROM login_attempts WHERE user_id = $1 AND ip_address = $2 AND success), '-infinity')
     ORDER BY created_at DESC LIMIT $4`,
    [userId, ip, since, policy.maxFailures],
  );
  if (rows.length < policy.maxFailures) return null;
  const oldest = rows[policy.maxFailures - 1];
  if (!oldest) return null;
  const until = new Date(new Date(oldest.created_at).getTime() + windowMs);
  return until > now ? until : null;
}
