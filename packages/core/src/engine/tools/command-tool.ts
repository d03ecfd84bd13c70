// Owns run_command: one shell command in the sandbox, without network, with a bounded wall clock.
import { z } from "zod";
import { SANDBOX_NODE_ENV } from "../verify/run-checks";
import { withSandboxSlot } from "../verify/sandbox-slot";
import { defineTool, fail, ok } from "./define-tool";
import { trimOutput } from "./trim-output";

export const runCommand = defineTool("run_command", {
  description:
    "Run a shell command in the project directory inside the sandbox (no network access; dependencies are installed by the platform during verification). Use it to run tests, type-check or inspect the project.",
  input: z.object({
    command: z.string().min(1).max(4_000).describe("A /bin/sh command line, e.g. `npm test`"),
    timeoutSeconds: z.number().int().min(1).max(600).optional().describe("Wall-clock limit; defaults to the platform's limit"),
  }),
  result: "`exit code N` followed by the command's combined output (head and tail kept when long). A non-zero exit is an error result.",
  async execute(input, ctx) {
    const seconds = Math.min(input.timeoutSeconds ?? ctx.commandTimeoutSeconds, ctx.commandTimeoutSeconds);
    const started = performance.now();
    try {
      const result = await withSandboxSlot(
        () =>
          ctx.sandbox.exec({
            projectDir: ctx.workspace.dir,
            command: input.command,
            network: "none",
            env: SANDBOX_NODE_ENV,
            ownerId: ctx.run.ownerId,
            limits: { wallClockMs: seconds * 1000 },
            signal: ctx.signal,
            onOutput: (chunk) => ctx.onCommandOutput(input.command, chunk.stream, chunk.data),
          }),
        ctx.signal,
      );
      const output = trimOutput(`${result.stdout}${result.stderr ? `\n${result.stderr}` : ""}`.trim());
      const limit = result.limitHit ? ` (stopped: ${result.limitHit} limit)` : "";
      const text = `exit code ${result.exitCode ?? "none"}${limit}\n${output}`;
      return result.exitCode === 0 ? ok(text) : fail(text);
    } catch (error) {
      return fail(`The command could not be run: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      ctx.addCommandTime(performance.now() - started);
    }
  },
});
