import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyPassword } from "@samokoder/core";
import { createPostgresDatabase, runCli } from "@samokoder/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The CLI generates embedded-mode secrets into its data dir; keep them out of the checkout. */
const DATA_DIR = mkdtempSync(join(tmpdir(), "samokoder-cli-test-"));

const samokoder = (args: string[], databaseUrl: string) => runCli(args, { DATABASE_URL: databaseUrl, SAMOKODER_DATA_DIR: DATA_DIR });

describe("samokoder user", () => {
  let database: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
    rmSync(DATA_DIR, { recursive: true, force: true });
  });

  it("create-admin generates, prints and stores (argon2id) a strong password when none is given", async () => {
    const result = await samokoder(["user", "create-admin", "--email", "  Root@Example.COM "], database.url);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created administrator: root@example.com");
    const password = /Password: (\S+)/.exec(result.stdout)?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(16);
    const rows = await client.query("SELECT role, password_hash FROM users WHERE email = 'root@example.com'");
    expect(rows.rows[0].role).toBe("admin");
    expect(rows.rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(rows.rows[0].password_hash, password)).toBe(true);
    const audit = await client.query("SELECT event FROM audit_events WHERE event = 'admin.created'");
    expect(audit.rowCount).toBe(1);
  });

  it("create-admin enforces the password policy and promotes an existing account", async () => {
    const weak = await samokoder(["user", "create-admin", "--email", "second@example.com", "--password", "Password123!"], database.url);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("too common");
    await client.query("INSERT INTO users (email, password_hash) VALUES ('member@example.com', 'x')");
    const promoted = await samokoder(
      ["user", "create-admin", "--email", "member@example.com", "--password", "Member-Now-Admin-7"],
      database.url,
    );
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain("Promoted to administrator: member@example.com");
    expect(promoted.stdout).not.toContain("Password:");
    const rows = await client.query("SELECT role, password_hash FROM users WHERE email = 'member@example.com'");
    expect(rows.rows[0].role).toBe("admin");
    expect(await verifyPassword(rows.rows[0].password_hash, "Member-Now-Admin-7")).toBe(true);
  });

  it("list prints every account; usage errors exit non-zero", async () => {
    const list = await samokoder(["user", "list"], database.url);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("root@example.com");
    expect(list.stdout).toContain("member@example.com");
    expect(list.stdout).toContain("2 user(s)");
    expect((await samokoder(["user", "create-admin"], database.url)).code).toBe(1);
  });
});
