// Owns the contract for running untrusted (generated) code: the engine and previews use only this.

export type SandboxNetwork = "none" | "registry";

export interface SandboxLimits {
  cpuSeconds: number;
  memoryBytes: number;
  processes: number;
  openFiles: number;
  /** stdout+stderr bytes kept/allowed before the command is killed. */
  outputBytes: number;
  wallClockMs: number;
}

export interface SandboxCommand {
  /** Absolute path of the project directory: the only writable mount, seen inside as the working dir. */
  projectDir: string;
  /** A shell command line run with /bin/sh -c inside the sandbox. */
  command: string;
  /** Sub-directory of the project to run in (relative, confined). */
  cwd?: string;
  /** Extra environment; the sandbox starts from an empty environment plus PATH/HOME/LANG. */
  env?: Record<string, string>;
  /** "registry" only for dependency installs: reaches the package registry and nothing else. */
  network?: SandboxNetwork;
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
  onOutput?: (chunk: { stream: "stdout" | "stderr"; data: string }) => void;
  /** The user the command runs for: per-user concurrency quotas count by it. */
  ownerId?: string;
}

/** How the platform reaches a sandboxed process's port from the host (the sandbox has its own network). */
export type SandboxEndpoint = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

export interface SandboxResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Which limit stopped the command, if any. */
  limitHit: "wall-clock" | "cpu" | "memory" | "output" | "processes" | null;
  /** True when the output kept here was cut (the command may still have succeeded). */
  truncated: boolean;
}

export interface SandboxProcessInfo {
  id: string;
  projectDir: string;
  command: string;
  pid: number | null;
  startedAt: Date;
  /** Loopback port the process was told to listen on (PORT env), if any. */
  port: number | null;
}

export interface SandboxProcess extends SandboxProcessInfo {
  /** Resolves when the process exits (for any reason). */
  exited: Promise<SandboxResult>;
  /** Kills the whole process group. */
  stop(): Promise<void>;
  /** Where the host connects to reach `port` (set when a port was given). */
  endpoint?: SandboxEndpoint | null;
  /** Resolves true once `port` accepts connections inside the sandbox, false if the process exits first. */
  portReady?: Promise<boolean>;
}

export interface Sandbox {
  /** Name of the adapter, e.g. "bwrap" or "unsafe-host". */
  readonly kind: string;
  exec(command: SandboxCommand): Promise<SandboxResult>;
  /** Long-running process (dev server); `port` is allocated by the caller and passed as PORT. */
  spawn(command: SandboxCommand & { port?: number }): Promise<SandboxProcess>;
}
