// Owns schema migrations: ordered NNNN_name.up.sql / .down.sql pairs applied in transactions.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlRunner } from "./client";

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  appliedAt: Date | null;
}

const LOCK_KEY = 727_001; // advisory lock id shared by every process that migrates

export function loadMigrations(dir = migrationsDir): Migration[] {
  const files = readdirSync(dir);
  const ups = files.filter((f) => /^\d{4}_[a-z0-9_]+\.up\.sql$/.test(f)).sort();
  return ups.map((file) => {
    const base = file.replace(/\.up\.sql$/, "");
    const downFile = `${base}.down.sql`;
    if (!files.includes(downFile)) throw new Error(`Migration ${base} has no down-migration (${downFile})`);
    return {
      version: Number(base.slice(0, 4)),
      name: base.slice(5),
      up: readFileSync(join(dir, file), "utf8"),
      down: readFileSync(join(dir, downFile), "utf8"),
    };
  });
}

async function ensureTable(db: SqlRunner): Promise<void> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
  );
}

async function appliedVersions(db: SqlRunner): Promise<Map<number, Date>> {
  const rows = await db.query<{ version: number; applied_at: Date }>("SELECT version, applied_at FROM schema_migrations");
  return new Map(rows.map((r) => [Number(r.version), new Date(r.applied_at)]));
}

interface Transactional extends SqlRunner {
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** Applies every pending migration in order; returns the versions applied. */
export async function migrateUp(db: Transactional, migrations = loadMigrations()): Promise<number[]> {
  await ensureTable(db);
  const done: number[] = [];
  for (const migration of migrations) {
    const applied = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.up);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
      return true;
    });
    if (applied) done.push(migration.version);
  }
  return done;
}

/** Rolls back the newest `steps` applied migrations (all when steps is Infinity). */
export async function migrateDown(db: Transactional, steps = 1, migrations = loadMigrations()): Promise<number[]> {
  await ensureTable(db);
  const applied = await appliedVersions(db);
  const targets = migrations
    .filter((m) => applied.has(m.version))
    .sort((a, b) => b.version - a.version)
    .slice(0, steps);
  for (const migration of targets) {
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      await tx.exec(migration.down);
      await tx.query("DELETE FROM schema_migrations WHERE version = $1", [migration.version]);
    });
  }
  return targets.map((m) => m.version);
}

export async function migrationStatus(db: SqlRunner, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  await ensureTable(db);
  const applied = await appliedVersions(db);
  return migrations.map((m) => ({ version: m.version, name: m.name, appliedAt: applied.get(m.version) ?? null }));
}

export async function pendingMigrations(db: SqlRunner, migrations = loadMigrations()): Promise<number> {
  const status = await migrationStatus(db, migrations);
  return status.filter((s) => s.appliedAt === null).length;
}
