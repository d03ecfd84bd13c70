// Owns running a project's checks in the sandbox: install (registry network only), build, tests, and a
// smoke start with a health request made from inside the sandbox (loopback there is private to the app).
import type { Sandbox } from "../../sandbox/types";
import type { ProjectChecks } from "../../workspace/checks";
import { trimOutput } from "../tools/trim-output";
import { withSandboxSlot } from "./sandbox-slot";

export interface CheckOutcome {
  name: "install" | "typecheck" | "build" | "test" | "start";
  ok: boolean;
  output: string;
  durationMs: number;
}

export interface ChecksReport {
  ok: boolean;
  outcomes: CheckOutcome[];
  failed: CheckOutcome | null;
}

const SMOKE_PORT = 4173;

/**
 * The sandbox caps address space (RLIMIT_AS); V8 reserves large guard regions for WebAssembly memories
 * (used by vitest, esbuild-wasm, …) unless the trap handler is off, so node tools need this flag to run.
 */
export const SANDBOX_NODE_ENV = { NODE_OPTIONS: "--disable-wasm-trap-handler" };

/** A shell script that starts the app, polls its health path until it answers (below 500), and stops it. */
export function smokeScript(start: string, healthPath: string, timeoutSeconds: number): string {
  const url = `http://127.0.0.1:${SMOKE_PORT}${healthPath.startsWith("/") ? healthPath : `/${healthPath}`}`;
  const probe = `node -e "fetch('${url}').then(r=>{console.log('health: HTTP '+r.status);process.exit(r.status<500?0:1)}).catch(()=>process.exit(2))"`;
  return [
    `(${start}) > .samokoder-smoke.log 2>&1 &`,
    "app=$!",
    `tries=$(( ${timeoutSeconds} * 5 ))`,
    "status=1",
    'while [ "$tries" -gt 0 ]; do',
    '  if ! kill -0 "$app" 2>/dev/null; then echo "the app exited before answering"; break; fi',
    `  ${probe}; code=$?`,
    '  if [ "$code" -eq 0 ]; then status=0; break; fi',
    '  if [ "$code" -eq 1 ]; then break; fi',
    "  tries=$((tries - 1)); sleep 0.2",
    "done",
    'kill "$app" 2>/dev/null; pkill -P "$app" 2>/dev/null',
    "cat .samokoder-smoke.log; rm -f .samokoder-smoke.log",
    'exit "$status"',
  ].join("\n");
}

export interface RunChecksOptions {
  sandbox: Sandbox;
  projectDir: string;
  ownerId: string;
  checks: ProjectChecks;
  timeoutSeconds: number;
  /** Dependencies are already installed for the current manifests. */
  skipInstall?: boolean;
  signal: AbortSignal;
  onOutput(check: string, stream: "stdout" | "stderr", data: string): void;
}

export async function runChecks(options: RunChecksOptions): Promise<ChecksReport> {
  const { checks } = options;
  const plan: Array<{ name: CheckOutcome["name"]; command: string; network: "none" | "registry"; env?: Record<string, string> }> = [];
  if (checks.install && !options.skipInstall) plan.push({ name: "install", command: checks.install, network: "registry" });
  if (checks.typecheck) plan.push({ name: "typecheck", command: checks.typecheck, network: "none" });
  if (checks.build) plan.push({ name: "build", command: checks.build, network: "none" });
  if (checks.test) plan.push({ name: "test", command: checks.test, network: "none", env: { CI: "1" } });
  if (checks.start) {
    const script = smokeScript(checks.start, checks.healthPath, Math.min(60, options.timeoutSeconds));
    plan.push({ name: "start", command: script, network: "none", env: { [checks.portEnv]: String(SMOKE_PORT), HOST: "127.0.0.1" } });
  }
  const outcomes: CheckOutcome[] = [];
  for (const step of plan) {
    const result = await withSandboxSlot(
      () =>
        options.sandbox.exec({
          projectDir: options.projectDir,
          command: step.command,
          network: step.network,
          ownerId: options.ownerId,
          env: { ...SANDBOX_NODE_ENV, ...step.env },
          limits: { wallClockMs: options.timeoutSeconds * 1000 },
          signal: options.signal,
          onOutput: (chunk) => options.onOutput(step.name, chunk.stream, chunk.data),
        }),
      options.signal,
    );
    const combined = `${result.stdout}${result.stderr ? `\n${result.stderr}` : ""}`.trim();
    const limit = result.limitHit ? `\n(stopped by the ${result.limitHit} limit)` : "";
    const outcome: CheckOutcome = {
      name: step.name,
      ok: result.exitCode === 0,
      output: trimOutput(
        `$ ${step.name === "start" ? checks.start : step.command}\nexit code ${result.exitCode ?? "none"}${limit}\n${combined}`,
      ),
      durationMs: result.durationMs,
    };
    outcomes.push(outcome);
    if (!outcome.ok) return { ok: false, outcomes, failed: outcome };
  }
  return { ok: true, outcomes, failed: null };
}
