import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index";
import { createSandbox } from "./create-sandbox";

const dataDir = mkdtempSync(join(tmpdir(), "samokoder-sandbox-config-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const base = {
  SAMOKODER_DATA_DIR: dataDir,
  SECRET_KEY: "config-test-secret-key-0123456789abcdef0123",
  APP_SECRET_KEY: "config-test-app-secret-key-0123456789abcdef",
};

describe("sandbox configuration", () => {
  it("maps the sandbox and preview settings, with the registry default", () => {
    const result = loadConfig({
      ...base,
      SAMOKODER_SANDBOX_MEMORY_MB: "512",
      SAMOKODER_SANDBOX_TIMEOUT_SECONDS: "30",
      SAMOKODER_PREVIEW_DOMAIN: "Preview.Example.NET",
      SAMOKODER_PREVIEW_IDLE_MINUTES: "5",
    });
    if (!result.ok) throw new Error(result.problems.join("; "));
    expect(result.config.sandboxSettings).toMatchObject({
      memoryBytes: 512 * 1024 * 1024,
      wallClockMs: 30_000,
      registryHosts: ["registry.npmjs.org"],
      processes: 256,
    });
    expect(result.config.preview).toEqual({ maxPerUser: 2, idleMinutes: 5, domain: "preview.example.net" });
  });

  it("rejects nonsense with a message per variable", () => {
    const result = loadConfig({ ...base, SAMOKODER_PREVIEW_DOMAIN: "evil.com/path", SAMOKODER_SANDBOX_MAX_PROCESSES: "2" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.startsWith("SAMOKODER_PREVIEW_DOMAIN"))).toBe(true);
    expect(result.problems.some((p) => p.startsWith("SAMOKODER_SANDBOX_MAX_PROCESSES"))).toBe(true);
  });

  it("chooses the adapter from SAMOKODER_SANDBOX", async () => {
    const result = loadConfig({ ...base, SAMOKODER_SANDBOX: "unsafe-host" });
    if (!result.ok) throw new Error(result.problems.join("; "));
    const host = createSandbox(result.config);
    expect(host.kind).toBe("unsafe-host");
    await host.close();
    const defaults = loadConfig(base);
    if (!defaults.ok) throw new Error(defaults.problems.join("; "));
    const bwrap = createSandbox(defaults.config);
    expect(bwrap.kind).toBe("bwrap");
    await bwrap.close();
  });
});
