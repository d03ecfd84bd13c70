// Owns throwaway databases for tests: an in-memory PGlite, or a fresh database on the local PostgreSQL.
import { randomBytes } from "node:crypto";
import { type DatabaseHandle, migrateUp, openDatabase } from "@samokoder/db";
import pg from "pg";

export type DatabaseKind = "pglite" | "postgres";

/** Base URL of the local PostgreSQL server used by tests (trust auth). */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  kind: DatabaseKind;
  handle: DatabaseHandle;
  /** Connection URL for postgres databases (to start other processes against the same database). */
  url: string | undefined;
  drop(): Promise<void>;
}

function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty PostgreSQL database and returns its URL; `drop` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `samokoder_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: databaseUrl(name),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Opens a fresh database of the given kind, migrated unless `migrate: false`. */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "pglite") {
    const handle = await openDatabase({ dataDir: "memory://" });
    if (options.migrate !== false) await migrateUp(handle);
    return { kind, handle, url: undefined, drop: () => handle.close() };
  }
  const created = await createPostgresDatabase();
  const handle = await openDatabase({ url: created.url, poolSize: 5 });
  if (options.migrate !== false) await migrateUp(handle);
  return {
    kind,
    handle,
    url: created.url,
    async drop() {
      await handle.close();
      await created.drop();
    },
  };
}

/** The database kinds a suite runs on: both, unless TEST_DATABASES narrows it (e.g. "pglite"). */
export function databaseKinds(): DatabaseKind[] {
  const wanted = (process.env.TEST_DATABASES ?? "pglite,postgres").split(",").map((s) => s.trim());
  return (["pglite", "postgres"] as const).filter((k) => wanted.includes(k));
}
