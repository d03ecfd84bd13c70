// Owns `samokoder sandbox check`: proves on this machine that generated code can run in the sandbox, or says why not.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError, createSandbox } from "@samokoder/core";
import { configOrExit } from "./load-config";

export async function sandboxCommand(args: string[]): Promise<number> {
  if (args[0] !== "check") {
    console.error("Usage: samokoder sandbox check");
    return 1;
  }
  const config = configOrExit();
  if (!config) return 1;
  const scratch = mkdtempSync(join(tmpdir(), "samokoder-sandbox-check-"));
  const projectDir = join(scratch, "project");
  mkdirSync(projectDir);
  const sandbox = createSandbox({ ...config, dataDir: scratch });
  try {
    const result = await sandbox.exec({
      projectDir,
      command: "echo ok > probe && cat probe && node -e 'process.stdout.write(process.version)'",
      limits: { wallClockMs: 30_000 },
    });
    if (result.exitCode !== 0) {
      console.error(`Sandbox (${sandbox.kind}) ran but the probe failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
      return 1;
    }
    console.log(`Sandbox OK: ${sandbox.kind}, node ${result.stdout.split("\n")[1] ?? "?"} inside, ${result.durationMs} ms for the probe`);
    if (sandbox.kind !== "bwrap") console.log("warning: unsafe-host gives no isolation; for single-user development only");
    return 0;
  } catch (error) {
    if (AppError.isInstance(error)) {
      console.error(`Sandbox unavailable: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await sandbox.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
