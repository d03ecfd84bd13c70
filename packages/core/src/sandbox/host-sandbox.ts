// Owns the unsafe-host adapter: same limits and environment scrubbing, but no isolation at all.
// Only for single-user development (config refuses it in server mode).
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { findExecutable, sandboxUnavailable } from "./availability";
import { baseEnv, type ManagedSandbox, observed, type SandboxOptions } from "./bwrap-sandbox";
import { createGuard } from "./guard";
import { mergeLimits, prlimitArgs } from "./limits";
import { runProcess } from "./run-process";
import type { SandboxCommand, SandboxProcess, SandboxResult } from "./types";

function probePort(port: number, exited: Promise<unknown>): Promise<boolean> {
  return new Promise((resolvePromise) => {
    let done = false;
    exited.then(() => {
      done = true;
      resolvePromise(false);
    });
    const attempt = () => {
      if (done) return;
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        done = true;
        resolvePromise(true);
      });
      socket.once("error", () => {
        socket.destroy();
        setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export function createHostSandbox(options: SandboxOptions): ManagedSandbox {
  const guard = createGuard(options);
  const running = new Set<() => void>();

  async function launch(command: SandboxCommand, mode: { port?: number; longRunning: boolean }) {
    const prlimit = findExecutable("prlimit");
    if (!prlimit) throw sandboxUnavailable("prlimit (util-linux) is not installed");
    const checked = await guard.check(command);
    const base = mode.longRunning ? { ...options.limits, outputBytes: Number.MAX_SAFE_INTEGER } : options.limits;
    const limits = mergeLimits(base, command.limits);
    const proc = runProcess({
      file: prlimit,
      args: [...prlimitArgs(limits, options.diskQuotaBytes), "--", "/bin/sh", "-c", command.command],
      env: { ...baseEnv(command.env, mode.port), HOME: command.projectDir },
      cwd: join(command.projectDir, checked.cwd),
      limits,
      wallClock: !mode.longRunning || command.limits?.wallClockMs !== undefined,
      signal: command.signal,
      onOutput: command.onOutput,
    });
    const stop = () => proc.kill();
    running.add(stop);
    const exited = proc.exited.finally(() => {
      running.delete(stop);
      checked.release();
    });
    return { proc, exited, stop };
  }

  return {
    kind: "unsafe-host",
    activeFor: (ownerId) => guard.active(ownerId),
    running: () => running.size,
    async exec(command): Promise<SandboxResult> {
      return (await observed(options, "unsafe-host", "exec", () => launch(command, { longRunning: false }))).exited;
    },
    async spawn(command): Promise<SandboxProcess> {
      const launched = await observed(options, "unsafe-host", "spawn", () => launch(command, { port: command.port, longRunning: true }));
      return {
        id: randomBytes(6).toString("hex"),
        projectDir: command.projectDir,
        command: command.command,
        pid: launched.proc.pid,
        startedAt: new Date(),
        port: command.port ?? null,
        exited: launched.exited,
        endpoint: command.port !== undefined ? { kind: "tcp", host: "127.0.0.1", port: command.port } : null,
        portReady: command.port !== undefined ? probePort(command.port, launched.exited) : Promise.resolve(false),
        async stop() {
          launched.stop();
          await launched.exited;
        },
      };
    },
    reapOrphans: () => 0,
    async close() {
      for (const stop of [...running]) stop();
    },
  };
}
