// Owns adding the architect's extra npm packages to a freshly scaffolded project: one `npm install --save`
// in the sandbox (registry network only), so package.json and the lock file record real, resolved versions.
import { SANDBOX_NODE_ENV } from "../verify/run-checks";
import { withSandboxSlot } from "../verify/sandbox-slot";
import { trimOutput } from "../tools/trim-output";
import type { StepEnv, StepOutcome } from "./step-env";

// npm package names (optionally scoped) with an optional version or range; nothing a shell could interpret.
const PACKAGE = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(@[a-zA-Z0-9.^~<>=*|+-]+)?$/;

export async function addDependencies(env: StepEnv, outcome: StepOutcome, dependencies: string[]): Promise<string[]> {
  const valid = dependencies.filter((name) => PACKAGE.test(name) && name.length <= 214);
  const invalid = dependencies.filter((name) => !valid.includes(name));
  if (invalid.length > 0) outcome.result.rejectedDependencies = invalid;
  if (valid.length === 0) return [];
  const command = `npm install --save --no-audit --no-fund ${valid.join(" ")}`;
  const started = performance.now();
  const result = await withSandboxSlot(
    () =>
      env.deps.sandbox().exec({
        projectDir: env.workspace.dir,
        command,
        network: "registry",
        env: SANDBOX_NODE_ENV,
        ownerId: env.run.ownerId,
        limits: { wallClockMs: env.deps.settings.commandTimeoutSeconds * 1000 },
        signal: env.signal,
        onOutput: (chunk) => env.stream.commandOutput(command, chunk.stream, chunk.data),
      }),
    env.signal,
  );
  outcome.commandMs += performance.now() - started;
  if (result.exitCode !== 0) {
    outcome.result.dependencyInstall = trimOutput(`${result.stdout}\n${result.stderr}`, 1_000);
    return [];
  }
  return valid;
}
