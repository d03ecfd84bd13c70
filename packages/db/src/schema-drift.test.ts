import { createTestDatabase, type TestDatabase } from "@samokoder/test-support";
import { getTableColumns, getTableName, isTable } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "./schema/index";

// The drizzle schema (used by queries) and the SQL migrations (which build the database) are written
// separately; this test keeps them in step: every table and column the code uses exists with the same nullability.
describe("drizzle schema matches the migrated database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.drop();
  });

  const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => isTable(value));

  it("declares at least the foundation tables", () => {
    expect(tables.map((t) => getTableName(t))).toEqual(expect.arrayContaining(["users", "projects", "audit_events"]));
  });

  it("every drizzle column exists in the database with the same nullability", async () => {
    const rows = await database.handle.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.is_nullable === "YES"]));
    const problems: string[] = [];
    for (const table of tables) {
      for (const column of Object.values(getTableColumns(table))) {
        const key = `${getTableName(table)}.${column.name}`;
        if (!actual.has(key)) problems.push(`${key} is missing from the migrations`);
        else if (actual.get(key) !== !column.notNull) problems.push(`${key} nullability differs`);
      }
    }
    expect(problems).toEqual([]);
  });
});
