// Owns the users table from the domain's side: creating accounts, looking them up and presenting them.
import type { SqlRunner } from "@samokoder/db";
import type { User } from "@samokoder/schema";
import type { Tier } from "../config/index";
import { AppError, badRequest } from "../errors/index";

export type UserRole = "user" | "admin";

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  role: UserRole;
  tier: Tier;
  createdAt: Date;
}

interface UserDbRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: UserRole;
  tier: Tier;
  created_at: Date | string;
}

const COLUMNS = "id, email, name, password_hash, role, tier, created_at";

function fromRow(row: UserDbRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    role: row.role,
    tier: row.tier,
    createdAt: new Date(row.created_at),
  };
}

/** The wire shape: never the hash. */
export function presentUser(user: Omit<UserRecord, "passwordHash">): User {
  return { id: user.id, email: user.email, name: user.name, role: user.role, tier: user.tier, createdAt: user.createdAt.toISOString() };
}

export async function findUserByEmail(db: SqlRunner, email: string): Promise<UserRecord | null> {
  const rows = await db.query<UserDbRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findUserById(db: SqlRunner, id: string): Promise<UserRecord | null> {
  const rows = await db.query<UserDbRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

export const emailTaken = () => new AppError("email_taken", 409, "An account with this email already exists");

/** Inserts a user; a duplicate email (even under concurrency) is 409 `email_taken`. */
export async function insertUser(
  db: SqlRunner,
  user: { email: string; name: string | null; passwordHash: string; role: UserRole },
  now: Date,
): Promise<UserRecord> {
  try {
    const rows = await db.query<UserDbRow>(
      `INSERT INTO users (email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${COLUMNS}`,
      [user.email, user.name, user.passwordHash, user.role, now],
    );
    const row = rows[0];
    if (!row) throw new Error("insert returned no row");
    return fromRow(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export async function updatePasswordHash(db: SqlRunner, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db.query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", [userId, passwordHash, now]);
}

export async function setUserRole(db: SqlRunner, userId: string, role: UserRole, now: Date): Promise<void> {
  await db.query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1", [userId, role, now]);
}

/** Keyset pagination over (created_at, id); the cursor is opaque to clients. */
export async function listUsers(
  db: SqlRunner,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ items: UserRecord[]; nextCursor: string | null }> {
  let after: { createdAt: Date; id: string } | null = null;
  if (options.cursor) {
    const [stamp, id] = Buffer.from(options.cursor, "base64url").toString("utf8").split("|");
    const createdAt = new Date(stamp ?? "");
    if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) throw badRequest("Invalid cursor");
    after = { createdAt, id };
  }
  const rows = await db.query<UserDbRow>(
    `SELECT ${COLUMNS} FROM users
     WHERE ($1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid))
     ORDER BY created_at, id LIMIT $3`,
    [after?.createdAt ?? null, after?.id ?? null, options.limit + 1],
  );
  const items = rows.slice(0, options.limit).map(fromRow);
  const last = items.at(-1);
  const nextCursor =
    rows.length > options.limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString("base64url") : null;
  return { items, nextCursor };
}
