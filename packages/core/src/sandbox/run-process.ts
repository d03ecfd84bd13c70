// Owns running one child process for a sandbox adapter: output capture and cap, wall clock, group kill, result.
import { type ChildProcess, spawn } from "node:child_process";
import type { SandboxLimits, SandboxResult } from "./types";

type LimitHit = SandboxResult["limitHit"];

export interface RunOptions {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  limits: SandboxLimits;
  /** Long-running processes get no wall clock unless one is asked for. */
  wallClock: boolean;
  signal?: AbortSignal | undefined;
  onOutput?: ((chunk: { stream: "stdout" | "stderr"; data: string }) => void) | undefined;
  /** Extra file descriptors (index 3+) the child should get as pipes. */
  extraPipes?: number;
  /** Called after exit to decide limits the exit status alone cannot show (e.g. the pids cgroup). */
  classify?: (result: Omit<SandboxResult, "limitHit">) => LimitHit | Promise<LimitHit>;
}

export interface RunningProcess {
  child: ChildProcess;
  pid: number | null;
  exited: Promise<SandboxResult>;
  kill(): void;
}

/** Most text we keep per stream for the result; the cap on what a command may print is separate. */
const KEEP_BYTES = 1024 * 1024;

const MEMORY_PATTERN = /out of memory|Cannot allocate memory|bad_alloc|ENOMEM|Allocation failed|memory allocation .*failed/i;
const PROCESS_PATTERN = /Cannot fork|fork: (retry: )?Resource temporarily unavailable|EAGAIN.*spawn|spawn.*EAGAIN/i;

/** Infers the limit from how the command ended, when the platform did not stop it itself. */
export function inferLimit(result: Omit<SandboxResult, "limitHit">): LimitHit {
  if (result.signal === "SIGXCPU" || result.exitCode === 128 + 24) return "cpu";
  if (MEMORY_PATTERN.test(result.stderr) || MEMORY_PATTERN.test(result.stdout)) return "memory";
  if (PROCESS_PATTERN.test(result.stderr)) return "processes";
  return null;
}

export function runProcess(options: RunOptions): RunningProcess {
  const started = performance.now();
  const stdio: Array<"ignore" | "pipe"> = ["ignore", "pipe", "pipe"];
  for (let i = 0; i < (options.extraPipes ?? 0); i++) stdio.push("pipe");
  // detached: the child leads its own process group, so one kill reaches everything it started.
  const child = spawn(options.file, options.args, { env: options.env, cwd: options.cwd, stdio, detached: true });
  const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const keptBytes = { stdout: 0, stderr: 0 };
  let total = 0;
  let truncated = false;
  let stoppedBy: LimitHit = null;
  let stopped = false;

  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const stopFor = (reason: LimitHit) => {
    if (stopped) return;
    stopped = true;
    stoppedBy = reason;
    killGroup();
  };

  const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    total += chunk.length;
    if (keptBytes[stream] < KEEP_BYTES) {
      const room = KEEP_BYTES - keptBytes[stream];
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      kept[stream].push(piece);
      keptBytes[stream] += piece.length;
      if (piece.length < chunk.length) truncated = true;
    } else {
      truncated = true;
    }
    options.onOutput?.({ stream, data: chunk.toString("utf8") });
    if (total > options.limits.outputBytes) {
      truncated = true;
      stopFor("output");
    }
  };
  child.stdout?.on("data", collect("stdout"));
  child.stderr?.on("data", collect("stderr"));

  const timer = options.wallClock ? setTimeout(() => stopFor("wall-clock"), options.limits.wallClockMs) : null;
  const onAbort = () => stopFor(null);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const exited = new Promise<SandboxResult>((resolvePromise) => {
    let spawnError: Error | null = null;
    child.once("error", (error) => {
      spawnError = error;
    });
    child.once("close", async (code, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // Anything the command left behind in its group goes with it.
      killGroup();
      const base = {
        exitCode: code,
        signal: signal ?? null,
        stdout: Buffer.concat(kept.stdout).toString("utf8"),
        stderr: Buffer.concat(kept.stderr).toString("utf8") + (spawnError ? String(spawnError.message) : ""),
        durationMs: Math.round(performance.now() - started),
        truncated,
      };
      let limitHit: LimitHit = stoppedBy;
      const classified = options.classify ? await options.classify(base) : null;
      // A cgroup's process ceiling explains a wall-clock stop better than the clock does.
      if (classified && (limitHit === null || limitHit === "wall-clock")) limitHit = classified;
      if (limitHit === null && !stopped) limitHit = inferLimit(base);
      resolvePromise({ ...base, limitHit });
    });
  });

  return { child, pid: child.pid ?? null, exited, kill: () => stopFor(null) };
}
