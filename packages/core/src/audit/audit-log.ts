// Owns the audit log: one row per security event, with who, from where and when; never secrets.
import type { SqlRunner } from "@samokoder/db";

export type AuditEventName =
  | "auth.register"
  | "auth.login"
  | "auth.login_failed"
  | "auth.lockout"
  | "auth.logout"
  | "auth.refresh_reuse"
  | "auth.password_changed"
  | "token.created"
  | "token.revoked"
  | "admin.users_listed"
  | "admin.created";

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface AuditEvent {
  event: AuditEventName;
  userId: string | null;
  success?: boolean;
  client: ClientInfo | null;
  /** Non-secret context only (ids, names, reasons). */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditRow {
  id: number;
  userId: string | null;
  event: string;
  success: boolean;
  ipAddress: string | null;
  userAgent: string | null;
  details: string | null;
  createdAt: Date;
}

export async function recordAuditEvent(db: SqlRunner, at: Date, entry: AuditEvent): Promise<void> {
  await db.query(
    "INSERT INTO audit_events (user_id, event, success, ip_address, user_agent, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [
      entry.userId,
      entry.event,
      entry.success ?? true,
      entry.client?.ip ?? null,
      entry.client?.userAgent ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
      at,
    ],
  );
}

export async function listAuditEvents(db: SqlRunner, filter: { userId?: string; limit?: number } = {}): Promise<AuditRow[]> {
  const rows = await db.query<{
    id: string | number;
    user_id: string | null;
    event: string;
    success: boolean;
    ip_address: string | null;
    user_agent: string | null;
    details: string | null;
    created_at: Date | string;
  }>(
    `SELECT id, user_id, event, success, ip_address, user_agent, details, created_at FROM audit_events
     WHERE ($1::uuid IS NULL OR user_id = $1::uuid) ORDER BY id DESC LIMIT $2`,
    [filter.userId ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    userId: r.user_id,
    event: r.event,
    success: r.success,
    ipAddress: r.ip_address,
    userAgent: r.user_agent,
    details: r.details,
    createdAt: new Date(r.created_at),
  }));
}
