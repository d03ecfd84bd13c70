// Owns the bubblewrap adapter: each command runs in fresh namespaces with the project as the only writable mount.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Readable } from "node:stream";
import { availability, type LauncherPlan } from "./launcher";
import { bwrapArgs, CA_BUNDLE, ETC_FILES, EXPOSE_MOUNT, HELPER_MOUNT, REGISTRY_SOCKET_MOUNT } from "./bwrap-args";
import { createPidsCgroup, type PidsCgroup, reapOrphanCgroups } from "./cgroup";
import { sandboxUnavailable } from "./availability";
import { createGuard } from "./guard";
import { mergeLimits, prlimitArgs } from "./limits";
import { createPidRegistry, isProcessAlive } from "./pid-registry";
import { type RegistryProxy, startRegistryProxy } from "./registry-proxy";
import { runProcess } from "./run-process";
import type { Sandbox, SandboxCommand, SandboxLimits, SandboxProcess, SandboxResult } from "./types";

export const HELPER_PATH = join(dirname(fileURLToPath(import.meta.url)), "helper.cjs");
/** Loopback port inside the sandbox where installs find the registry proxy. */
const PROXY_PORT = 3128;

export interface SandboxOptions {
  /** Persistent state (pid records) under the data dir. */
  stateDir: string;
  limits: SandboxLimits;
  registryHosts: string[];
  maxConcurrentPerOwner: number;
  diskQuotaBytes: number;
  /** Told about every command when it ends or is refused (metrics). */
  observe?: (event: SandboxRunEvent) => void;
}

export interface SandboxRunEvent {
  adapter: string;
  mode: "exec" | "spawn";
  outcome: "ok" | "error" | "refused";
  limitHit: SandboxResult["limitHit"];
  durationMs: number;
}

/** Reports a command's end to the observer, and refusals (unavailable, quota) as they are thrown. */
export function observed<T>(
  options: Pick<SandboxOptions, "observe">,
  adapter: string,
  mode: SandboxRunEvent["mode"],
  launch: () => Promise<T & { exited: Promise<SandboxResult> }>,
): Promise<T & { exited: Promise<SandboxResult> }> {
  return launch().then(
    (launched) => {
      launched.exited.then(
        (result) =>
          options.observe?.({
            adapter,
            mode,
            outcome: result.exitCode === 0 ? "ok" : "error",
            limitHit: result.limitHit,
            durationMs: result.durationMs,
          }),
        () => {},
      );
      return launched;
    },
    (error: unknown) => {
      options.observe?.({ adapter, mode, outcome: "refused", limitHit: null, durationMs: 0 });
      throw error;
    },
  );
}

export interface ManagedSandbox extends Sandbox {
  /** Commands running right now, all users. */
  running(): number;
  /** Commands running for a user right now (exec and spawn). */
  activeFor(ownerId: string): number;
  /** Kills processes and cgroups a crashed platform process left behind. */
  reapOrphans(): number;
  close(): Promise<void>;
}

// WebAssembly's trap handler reserves ~10 GB of address space per memory, which no sane RLIMIT_AS allows
// (Vite, esbuild-wasm and friends would fail with "Cannot allocate Wasm memory"); explicit bounds checks need none.
const WASM_FLAG = "--disable-wasm-trap-handler";
const NODE_FLAGS = process.allowedNodeEnvironmentFlags.has(WASM_FLAG) ? WASM_FLAG : "";

export function baseEnv(extra: Record<string, string> | undefined, port: number | undefined): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: "/tmp",
    LANG: "C.UTF-8",
    ...(port !== undefined ? { PORT: String(port) } : {}),
    ...(extra ?? {}),
  };
  const given = env.NODE_OPTIONS ?? "";
  const nodeOptions = [given.includes(NODE_FLAGS) ? "" : NODE_FLAGS, given].filter(Boolean).join(" ");
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  return env;
}

export function createBwrapSandbox(options: SandboxOptions): ManagedSandbox {
  const guard = createGuard(options);
  const runDir = mkdtempSync(join(tmpdir(), "sk-run-"));
  const etcDir = join(runDir, "etc");
  mkdirSync(etcDir);
  for (const [name, content] of Object.entries(ETC_FILES)) writeFileSync(join(etcDir, name), content, { mode: 0o644 });
  const pids = createPidRegistry(join(options.stateDir, "pids"));
  const running = new Set<() => void>();
  let proxy: Promise<RegistryProxy> | null = null;
  const registryDir = join(runDir, "registry");

  const registryProxy = () => {
    if (!proxy) {
      mkdirSync(registryDir, { recursive: true });
      proxy = startRegistryProxy(join(registryDir, "proxy.sock"), options.registryHosts);
    }
    return proxy;
  };

  async function launch(command: SandboxCommand, mode: { port?: number; longRunning: boolean }) {
    const plan: LauncherPlan = availability();
    const checked = await guard.check(command);
    const id = randomBytes(6).toString("hex");
    const base = mode.longRunning
      ? { ...options.limits, cpuSeconds: Math.max(options.limits.cpuSeconds, 3600), outputBytes: Number.MAX_SAFE_INTEGER }
      : options.limits;
    const limits = mergeLimits(base, command.limits);
    const env = baseEnv(command.env, mode.port);
    const helperSpec: Record<string, unknown> = { command: command.command };
    let exposeDir: string | undefined;
    if (command.network === "registry") {
      await registryProxy();
      helperSpec.forwardTcp = { port: PROXY_PORT, socket: REGISTRY_SOCKET_MOUNT };
      const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
      Object.assign(env, { https_proxy: proxyUrl, HTTPS_PROXY: proxyUrl, npm_config_https_proxy: proxyUrl, npm_config_proxy: proxyUrl });
      if (existsSync(CA_BUNDLE)) env.NODE_EXTRA_CA_CERTS ??= CA_BUNDLE;
    }
    if (mode.port !== undefined) {
      exposeDir = join(runDir, "expose", id);
      mkdirSync(exposeDir, { recursive: true });
      helperSpec.expose = { socket: `${EXPOSE_MOUNT}/app.sock`, port: mode.port };
    }
    const useHelper = helperSpec.forwardTcp !== undefined || helperSpec.expose !== undefined;
    const inner = useHelper ? [process.execPath, HELPER_MOUNT, JSON.stringify(helperSpec)] : ["/bin/sh", "-c", command.command];
    const args = [
      ...bwrapArgs({
        projectDir: command.projectDir,
        cwd: checked.cwd,
        etcDir,
        helperPath: HELPER_PATH,
        env,
        registrySocketDir: command.network === "registry" ? registryDir : undefined,
        exposeDir,
        runningAsRoot: plan.root,
      }),
      plan.prlimit,
      ...prlimitArgs(limits, options.diskQuotaBytes),
      "--",
      ...inner,
    ];
    // Under root the kernel ignores RLIMIT_NPROC, so a pids cgroup joined before exec carries the process ceiling.
    let cgroup: PidsCgroup | null = null;
    try {
      cgroup = plan.cgroupRoot ? createPidsCgroup(plan.cgroupRoot, `${process.pid}-${id}`, limits.processes + 4) : null;
    } catch (error) {
      checked.release();
      throw sandboxUnavailable(`could not create the pids cgroup (${(error as Error).message})`);
    }
    const launcher = cgroup
      ? { file: "/bin/sh", args: ["-c", 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, plan.bwrap, ...args] }
      : { file: plan.bwrap, args };
    const proc = runProcess({
      ...launcher,
      env: { PATH: "/usr/bin:/bin" },
      limits,
      wallClock: !mode.longRunning || command.limits?.wallClockMs !== undefined,
      signal: command.signal,
      onOutput: command.onOutput,
      extraPipes: mode.port !== undefined ? 1 : 0,
      classify: () => (cgroup?.limitReached() ? "processes" : null),
    });
    const stop = () => proc.kill();
    running.add(stop);
    if (proc.pid !== null && mode.longRunning) pids.record(id, proc.pid, command.command);
    const exited = proc.exited.finally(() => {
      running.delete(stop);
      checked.release();
      pids.forget(id);
      cgroup?.remove();
      if (exposeDir) rmSync(exposeDir, { recursive: true, force: true });
    });
    const control = proc.child.stdio[3] as Readable | undefined;
    const portReady =
      mode.port === undefined
        ? Promise.resolve(false)
        : new Promise<boolean>((resolvePromise) => {
            control?.on("data", (data: Buffer) => {
              if (data.toString().includes("ready")) resolvePromise(true);
            });
            exited.then(
              () => resolvePromise(false),
              () => resolvePromise(false),
            );
          });
    return { id, proc, exited, portReady, exposeDir, stop };
  }

  return {
    kind: "bwrap",
    activeFor: (ownerId) => guard.active(ownerId),
    running: () => running.size,
    async exec(command): Promise<SandboxResult> {
      const launched = await observed(options, "bwrap", "exec", () => launch(command, { longRunning: false }));
      return launched.exited;
    },
    async spawn(command): Promise<SandboxProcess> {
      const launched = await observed(options, "bwrap", "spawn", () => launch(command, { port: command.port, longRunning: true }));
      const process: SandboxProcess = {
        id: launched.id,
        projectDir: command.projectDir,
        command: command.command,
        pid: launched.proc.pid,
        startedAt: new Date(),
        port: command.port ?? null,
        exited: launched.exited,
        endpoint: launched.exposeDir ? { kind: "unix", path: join(launched.exposeDir, "app.sock") } : null,
        portReady: launched.portReady,
        async stop() {
          launched.stop();
          await launched.exited;
        },
      };
      return process;
    },
    reapOrphans() {
      const killed = pids.reapOrphans();
      const plan = availability({ quiet: true });
      if (plan.cgroupRoot) reapOrphanCgroups(plan.cgroupRoot, isProcessAlive);
      return killed;
    },
    async close() {
      for (const stop of [...running]) stop();
      if (proxy) await (await proxy).close();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
