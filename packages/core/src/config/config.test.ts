import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatConfigReport, loadConfig } from "./index";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "samokoder-config-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const strong = "k1S9x-2Lq0v8fR7tY6uI5oP4aS3dF2gH1jK0lZ9xC8vB7nM6";
const strong2 = "Z9x8C7v6B5n4M3a2S1d0F9g8H7j6K5l4Q3w2E1r0T9y8U7i6";

describe("configuration", () => {
  it("generates secrets into the data dir once (mode 0600) and reuses them", () => {
    const dir = tempDir();
    const first = loadConfig({ SAMOKODER_DATA_DIR: dir });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.config.secretsGenerated).toBe(true);
    const file = join(dir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ SAMOKODER_DATA_DIR: dir });
    expect(second.ok && second.config.secretsGenerated).toBe(false);
    expect(second.ok && second.config.secretKey).toBe(first.config.secretKey);
    expect(first.config.secretKey).not.toBe(first.config.appSecretKey);
    expect(readFileSync(file, "utf8")).toContain(first.config.appSecretKey);
  });

  it("uses embedded defaults: PGlite in ./data, 127.0.0.1:8000", () => {
    const result = loadConfig({ SAMOKODER_DATA_DIR: tempDir() });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.databaseUrl).toBeUndefined();
    expect(result.config.host).toBe("127.0.0.1");
    expect(result.config.port).toBe(8000);
    expect(result.config.production).toBe(false);
    expect(result.config.llm.allowPrivateProviderUrls).toBe(true);
  });

  it("refuses server mode without secrets, listing every problem and how to generate a value", () => {
    const result = loadConfig({ SAMOKODER_ENV: "production", SAMOKODER_DATA_DIR: tempDir() });
    expect(result.ok).toBe(false);
    const report = formatConfigReport(result);
    expect(report).toContain("SECRET_KEY is missing");
    expect(report).toContain("APP_SECRET_KEY is missing");
    expect(report).toContain("randomBytes");
  });

  it("refuses placeholder, short and identical secrets in server mode", () => {
    const result = loadConfig({ SAMOKODER_ENV: "production", SECRET_KEY: "changeme", APP_SECRET_KEY: "short" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.includes("SECRET_KEY is a known placeholder"))).toBe(true);
    expect(result.problems.some((p) => p.includes("APP_SECRET_KEY is shorter than 32 bytes"))).toBe(true);
    const same = loadConfig({ SAMOKODER_ENV: "production", SECRET_KEY: strong, APP_SECRET_KEY: strong });
    expect(same.ok).toBe(false);
  });

  it("accepts strong secrets in server mode and turns private provider URLs off by default", () => {
    const result = loadConfig({
      SAMOKODER_ENV: "production",
      SECRET_KEY: strong,
      APP_SECRET_KEY: strong2,
      DATABASE_URL: "postgres://x@db/samokoder",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.llm.allowPrivateProviderUrls).toBe(false);
    expect(result.config.databaseUrl).toBe("postgres://x@db/samokoder");
  });

  it("refuses the unsafe-host sandbox in server mode", () => {
    const result = loadConfig({
      SAMOKODER_ENV: "production",
      SECRET_KEY: strong,
      APP_SECRET_KEY: strong2,
      SAMOKODER_SANDBOX: "unsafe-host",
    });
    expect(result.ok).toBe(false);
    expect(formatConfigReport(result)).toContain("bubblewrap");
  });

  it("reports invalid values by variable name", () => {
    const result = loadConfig({ PORT: "not-a-port", DATABASE_URL: "mysql://x", SAMOKODER_DATA_DIR: tempDir() });
    expect(result.ok).toBe(false);
    const report = formatConfigReport(result);
    expect(report).toContain("PORT");
    expect(report).toContain("DATABASE_URL");
  });
});
