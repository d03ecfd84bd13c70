// Owns deciding, once per process, how sandboxes are launched here: bwrap and prlimit paths, root, pids cgroup.
import { findPidsCgroupRoot } from "./cgroup";
import { findExecutable, INSTALL_HINT, sandboxUnavailable } from "./availability";

export interface LauncherPlan {
  bwrap: string;
  prlimit: string;
  root: boolean;
  /** Where per-sandbox pids cgroups go; required when running as root. */
  cgroupRoot: string | null;
}

let cached: { plan: LauncherPlan | null; problem: string | null } | null = null;

/** Decides the launch plan; the lookups are parameters so the refusal paths can be tested on any machine. */
export function detectLauncher(
  find: (name: string) => string | null = (name) => findExecutable(name),
  root = process.getuid?.() === 0,
  pidsCgroupRoot: () => string | null = findPidsCgroupRoot,
): { plan: LauncherPlan | null; problem: string | null } {
  const bwrap = find("bwrap");
  const prlimit = find("prlimit");
  if (!bwrap) return { plan: null, problem: `bubblewrap (bwrap) is not installed; ${INSTALL_HINT}` };
  if (!prlimit) return { plan: null, problem: `prlimit (util-linux) is not installed; ${INSTALL_HINT}` };
  const cgroupRoot = root ? pidsCgroupRoot() : null;
  if (root && !cgroupRoot) {
    return {
      plan: null,
      problem:
        "the platform runs as root and no pids cgroup is writable, so the process limit cannot be enforced (the kernel ignores RLIMIT_NPROC for root); run the platform as an unprivileged user or give it a writable pids cgroup",
    };
  }
  return { plan: { bwrap, prlimit, root, cgroupRoot }, problem: null };
}

/** The launch plan; throws `sandbox_unavailable` with how to fix it when this machine cannot sandbox. */
export function availability(): LauncherPlan;
export function availability(options: { quiet: true }): Partial<LauncherPlan>;
export function availability(options: { quiet?: boolean } = {}): Partial<LauncherPlan> {
  cached ??= detectLauncher();
  if (cached.plan) return cached.plan;
  if (options.quiet) return {};
  throw sandboxUnavailable(cached.problem ?? "unknown");
}

/** Why sandboxing is unavailable here, or null when it works (for start-up logs and `config check`). */
export function sandboxProblem(): string | null {
  cached ??= detectLauncher();
  return cached.problem;
}
