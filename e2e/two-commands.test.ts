import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase, runCli, startServerProcess } from "@samokoder/test-support";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "samokoder-e2e-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the samokoder command", () => {
  it("starts on embedded defaults, generating secrets once and reusing them on restart", async () => {
    const dataDir = temp();
    const env = { SAMOKODER_DATA_DIR: dataDir, PORT: "0" };
    const first = await startServerProcess([], env);
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${first.url}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const secretsFile = join(dataDir, "secrets.json");
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = readFileSync(secretsFile, "utf8");

    const second = await startServerProcess([], env);
    try {
      expect((await fetch(`${second.url}/health`)).status).toBe(200);
    } finally {
      await second.stop();
    }
    expect(readFileSync(secretsFile, "utf8")).toBe(secrets);
  });

  it("refuses to start in server mode with weak secrets and lists every problem", async () => {
    const result = await runCli(["serve"], { SAMOKODER_ENV: "production", SECRET_KEY: "changeme", SAMOKODER_DATA_DIR: temp() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SECRET_KEY is a known placeholder");
    expect(result.stderr).toContain("APP_SECRET_KEY is missing");
    expect(result.stderr).toContain("randomBytes");
  });

  it("prints the same report with `config check` without starting", async () => {
    const bad = await runCli(["config", "check"], { SAMOKODER_ENV: "production", SAMOKODER_DATA_DIR: temp() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("SECRET_KEY is missing");
    const good = await runCli(["config", "check"], {
      SAMOKODER_ENV: "production",
      SECRET_KEY: "q7Wm2Lr9Xv4Tz8Kp1Ns6Bd3Hf5Jg0Ya7Uc2Ie9Oo4Pk",
      APP_SECRET_KEY: "R3tY8uI1oP6aS9dF2gH5jK7lZ0xC4vB8nM1qW6eR3tY",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("Configuration OK");
  });

  it("runs migrations up, down and status against PostgreSQL", async () => {
    const database = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: database.url, SAMOKODER_DATA_DIR: temp() };
      const up = await runCli(["migrate", "up"], env);
      expect(up.code).toBe(0);
      expect(up.stdout).toContain("Applied:");
      const status = await runCli(["migrate", "status"], env);
      expect(status.stdout).toMatch(/0001 foundation\s+applied/);
      expect(status.stdout).not.toContain("pending");
      const down = await runCli(["migrate", "down", "--all"], env);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain("Rolled back:");
      const after = await runCli(["migrate", "status"], env);
      expect(after.stdout).toMatch(/0001 foundation\s+pending/);
    } finally {
      await database.drop();
    }
  });

  it("prints usage for an unknown command", async () => {
    const result = await runCli(["frobnicate"], { SAMOKODER_DATA_DIR: temp() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unknown command");
  });
});
