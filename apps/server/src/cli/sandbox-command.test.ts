import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@samokoder/test-support";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "samokoder-sandbox-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("samokoder sandbox check", () => {
  it("runs a probe in the real sandbox and reports it", async () => {
    const result = await runCli(["sandbox", "check"], { SAMOKODER_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Sandbox OK: bwrap, node v\d+/);
  });

  it("says how to use it when the subcommand is missing", async () => {
    const result = await runCli(["sandbox"], { SAMOKODER_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("samokoder sandbox check");
  });
});
