import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "@samokoder/test-support";
import { loadMigrations, migrateDown, migrateUp, migrationStatus, pendingMigrations } from "./migrate";

const REQUIRED_TABLES = ["users", "sessions", "refresh_tokens", "login_attempts", "personal_access_tokens", "projects", "audit_events"];

async function tables(database: TestDatabase): Promise<string[]> {
  const rows = await database.handle.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1",
  );
  return rows.map((r) => r.table_name);
}

describe.each(databaseKinds())("migrations on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("applies every migration in order, rolls all back, and re-applies them", async () => {
    const all = loadMigrations().map((m) => m.version);
    expect(await migrateUp(database.handle)).toEqual(all);
    expect(await pendingMigrations(database.handle)).toBe(0);
    const created = await tables(database);
    for (const table of REQUIRED_TABLES) expect(created).toContain(table);

    expect(await migrateDown(database.handle, Number.POSITIVE_INFINITY)).toEqual([...all].reverse());
    expect(await tables(database)).toEqual([]);
    expect(await pendingMigrations(database.handle)).toBe(all.length);

    expect(await migrateUp(database.handle)).toEqual(all);
    expect(await tables(database)).toEqual(created);
  });

  it("is idempotent: a second up applies nothing", async () => {
    expect(await migrateUp(database.handle)).toEqual([]);
    const status = await migrationStatus(database.handle);
    expect(status.every((s) => s.appliedAt instanceof Date)).toBe(true);
  });

  it("rolls back one step at a time", async () => {
    const newest = loadMigrations().at(-1);
    expect(await migrateDown(database.handle, 1)).toEqual([newest?.version]);
    expect(await pendingMigrations(database.handle)).toBe(1);
    await migrateUp(database.handle);
  });
});

describe("migration files", () => {
  it("each up-migration has a down-migration and versions are unique", () => {
    const migrations = loadMigrations();
    const versions = migrations.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    for (const m of migrations) expect(m.down.trim().length).toBeGreaterThan(0);
  });
});
