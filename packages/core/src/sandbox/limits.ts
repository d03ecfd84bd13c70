// Owns the sandbox's limit defaults and how a command's partial limits merge with them.
import type { SandboxLimits } from "./types";

export const DEFAULT_LIMITS: SandboxLimits = {
  cpuSeconds: 300,
  // Address space, not RSS: V8 and Go runtimes reserve far more virtual memory than they touch, so this cannot be small.
  memoryBytes: 4 * 1024 * 1024 * 1024,
  processes: 256,
  openFiles: 4096,
  outputBytes: 16 * 1024 * 1024,
  wallClockMs: 600_000,
};

export function mergeLimits(base: SandboxLimits, override: Partial<SandboxLimits> | undefined): SandboxLimits {
  const merged = { ...base };
  for (const key of Object.keys(override ?? {}) as Array<keyof SandboxLimits>) {
    const value = override?.[key];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) merged[key] = value;
  }
  return merged;
}

/** Arguments for util-linux prlimit: soft = hard, so the command cannot raise them back. */
export function prlimitArgs(limits: SandboxLimits, maxFileBytes = 0): string[] {
  // No single file may outgrow the project's disk quota within one command (the quota itself is checked between commands).
  const fileSize = maxFileBytes > 0 ? [`--fsize=${Math.floor(maxFileBytes)}`] : [];
  return [
    ...fileSize,
    // Soft below hard: SIGXCPU first (recognisable), SIGKILL a second later if it is ignored.
    `--cpu=${Math.max(1, Math.ceil(limits.cpuSeconds))}:${Math.max(1, Math.ceil(limits.cpuSeconds)) + 1}`,
    `--as=${Math.floor(limits.memoryBytes)}`,
    `--nproc=${Math.floor(limits.processes)}`,
    `--nofile=${Math.floor(limits.openFiles)}`,
    "--core=0",
  ];
}
