// Owns the on-disk record of sandboxed processes, so a platform that crashed can have its orphans reaped at start-up.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const Entry = z.object({ pid: z.number().int().positive(), startTime: z.string(), command: z.string() });

/** Kernel start time of a process (field 22 of /proc/<pid>/stat): tells a reused pid from the original. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return afterName[19] ?? null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function createPidRegistry(dir: string, ownPid = process.pid) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (id: string) => join(dir, `${ownPid}-${id}.json`);
  return {
    record(id: string, pid: number, command: string): void {
      const startTime = processStartTime(pid);
      if (startTime === null) return;
      writeFileSync(file(id), JSON.stringify({ pid, startTime, command: command.slice(0, 200) }), { mode: 0o600 });
    },
    forget(id: string): void {
      rmSync(file(id), { force: true });
    },
    /** Kills processes recorded by platform processes that are gone; returns how many were killed. */
    reapOrphans(): number {
      let killed = 0;
      for (const name of readdirSync(dir)) {
        const owner = Number(name.split("-")[0]);
        if (!Number.isInteger(owner) || owner === ownPid || isProcessAlive(owner)) continue;
        const path = join(dir, name);
        try {
          const entry = Entry.parse(JSON.parse(readFileSync(path, "utf8")));
          if (processStartTime(entry.pid) === entry.startTime) {
            process.kill(-entry.pid, "SIGKILL");
            killed++;
          }
        } catch {
          // Unreadable or already gone: the record goes either way.
        }
        rmSync(path, { force: true });
      }
      return killed;
    },
  };
}

export type PidRegistry = ReturnType<typeof createPidRegistry>;
