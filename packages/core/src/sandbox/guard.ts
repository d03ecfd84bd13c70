// Owns the checks every sandbox adapter makes before running a command: input shape, per-user concurrency, disk quota.
import { statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { z } from "zod";
import { AppError, quotaExceeded, validationFailed } from "../errors/index";
import { resolveInsideSync } from "./confine";
import { diskUsageBytes } from "./disk-usage";
import type { SandboxCommand } from "./types";

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are letters, digits and _");
const CommandShape = z.object({
  projectDir: z.string().min(1).refine(isAbsolute, "projectDir must be absolute"),
  command: z.string().min(1).max(100_000),
  cwd: z.string().max(1000).optional(),
  env: z.record(EnvName, z.string().max(100_000)).optional(),
  network: z.enum(["none", "registry"]).optional(),
  ownerId: z.string().max(200).optional(),
});

export interface GuardOptions {
  maxConcurrentPerOwner: number;
  diskQuotaBytes: number;
}

export interface CheckedCommand {
  /** The cwd as a path relative to the project root ("" for the root). */
  cwd: string;
  release(): void;
}

/** A fresh-enough measurement is reused while usage is well below the cap: walking node_modules is not free. */
const USAGE_TTL_MS = 15_000;

export function createGuard(options: GuardOptions) {
  const active = new Map<string, number>();
  const usage = new Map<string, { bytes: number; at: number }>();
  const measuredUsage = async (projectDir: string): Promise<number> => {
    const cached = usage.get(projectDir);
    if (cached && Date.now() - cached.at < USAGE_TTL_MS && cached.bytes < options.diskQuotaBytes * 0.8) return cached.bytes;
    const bytes = await diskUsageBytes(projectDir);
    if (usage.size > 1000) usage.clear();
    usage.set(projectDir, { bytes, at: Date.now() });
    return bytes;
  };
  return {
    active: (ownerId: string) => active.get(ownerId) ?? 0,
    async check(command: SandboxCommand): Promise<CheckedCommand> {
      const parsed = CommandShape.safeParse(command);
      if (!parsed.success) throw validationFailed("Invalid sandbox command", parsed.error.issues);
      let isDirectory = false;
      try {
        isDirectory = statSync(command.projectDir).isDirectory();
      } catch {
        isDirectory = false;
      }
      if (!isDirectory) throw new AppError("not_found", 404, "Project directory not found");
      const cwdPath = resolveInsideSync(command.projectDir, command.cwd ?? ".");
      const cwd = relative(resolveInsideSync(command.projectDir, "."), cwdPath);
      if (options.diskQuotaBytes > 0) {
        const used = await measuredUsage(command.projectDir);
        if (used > options.diskQuotaBytes) {
          throw quotaExceeded("The project uses more disk than allowed; delete files (e.g. node_modules) first", {
            resource: "project_disk_bytes",
            used,
            limit: options.diskQuotaBytes,
          });
        }
      }
      const owner = command.ownerId;
      if (owner !== undefined) {
        const used = active.get(owner) ?? 0;
        if (used >= options.maxConcurrentPerOwner) {
          throw quotaExceeded("Too many sandboxed commands are running for this user; wait for one to finish", {
            resource: "concurrent_sandboxes",
            used,
            limit: options.maxConcurrentPerOwner,
          });
        }
        active.set(owner, used + 1);
      }
      let released = false;
      return {
        cwd,
        release() {
          if (released || owner === undefined) return;
          released = true;
          const left = (active.get(owner) ?? 1) - 1;
          if (left <= 0) active.delete(owner);
          else active.set(owner, left);
        },
      };
    },
  };
}

export type Guard = ReturnType<typeof createGuard>;
