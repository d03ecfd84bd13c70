// Owns the pids cgroup that caps a sandbox's process count when the platform runs as root.
// Why: RLIMIT_NPROC is never enforced for host uid 0, and bwrap run by root maps the sandbox user to uid 0,
// so under root only a pids cgroup (v1 or v2) can stop a fork bomb.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const V1_ROOT = "/sys/fs/cgroup/pids";
const V2_ROOT = "/sys/fs/cgroup";
const PARENT = "samokoder-sandbox";

export interface PidsCgroup {
  path: string;
  /** The file a process writes its pid into to join. */
  procsFile: string;
  /** True when the process ceiling was reached at least once. */
  limitReached(): boolean;
  killAll(): void;
  remove(): void;
}

function writable(dir: string): boolean {
  try {
    mkdirSync(join(dir, PARENT), { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** The directory under which per-sandbox pids cgroups can be created, or null if none is writable. */
export function findPidsCgroupRoot(): string | null {
  if (existsSync(join(V1_ROOT, "pids.max")) || existsSync(join(V1_ROOT, "cgroup.procs"))) {
    if (writable(V1_ROOT)) return join(V1_ROOT, PARENT);
  }
  const controllers = existsSync(join(V2_ROOT, "cgroup.controllers")) ? readFileSync(join(V2_ROOT, "cgroup.controllers"), "utf8") : "";
  if (controllers.split(/\s+/).includes("pids") && writable(V2_ROOT)) {
    const parent = join(V2_ROOT, PARENT);
    try {
      writeFileSync(join(parent, "cgroup.subtree_control"), "+pids");
    } catch {
      // Already enabled, or not delegable; creation below tells.
    }
    return parent;
  }
  return null;
}

function readMaxEvents(path: string): number {
  try {
    const text = readFileSync(join(path, "pids.events"), "utf8");
    const match = /max\s+(\d+)/.exec(text);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function createPidsCgroup(root: string, name: string, maxProcesses: number): PidsCgroup {
  const path = join(root, name);
  mkdirSync(path);
  writeFileSync(join(path, "pids.max"), String(maxProcesses));
  return {
    path,
    procsFile: join(path, "cgroup.procs"),
    limitReached: () => readMaxEvents(path) > 0,
    killAll() {
      killCgroupProcesses(path);
    },
    remove() {
      removeCgroup(path);
    },
  };
}

function killCgroupProcesses(path: string): void {
  let pids: string[] = [];
  try {
    pids = readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
}

function removeCgroup(path: string): void {
  // A cgroup can only be removed once its last process has been reaped; a few retries cover the kernel's lag.
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rmdirSync(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      killCgroupProcesses(path);
    }
  }
}

/** Removes cgroups left by platform processes that no longer exist (named `<platformPid>-<id>`). */
export function reapOrphanCgroups(root: string, isAlive: (pid: number) => boolean): number {
  let reaped = 0;
  let names: string[] = [];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return 0;
  }
  for (const name of names) {
    const owner = Number(name.split("-")[0]);
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    killCgroupProcesses(join(root, name));
    removeCgroup(join(root, name));
    reaped++;
  }
  return reaped;
}
