// Owns the long-running processes of projects: start, stop, restart, list, output events, readiness and crashes.
import { conflict, notFound } from "../errors/index";
import { createOutputBuffer, type OutputLine } from "./output-buffer";
import type { Sandbox, SandboxEndpoint, SandboxProcess, SandboxResult } from "./types";

export type ProcessStatus = "starting" | "running" | "stopped" | "crashed" | "exited";

export interface ProcessInfo {
  projectId: string;
  name: string;
  command: string;
  status: ProcessStatus;
  port: number | null;
  startedAt: Date;
  endedAt: Date | null;
  exitCode: number | null;
  limitHit: SandboxResult["limitHit"];
}

export type ProcessEvent =
  | { type: "process.started"; projectId: string; name: string }
  | { type: "process.output"; projectId: string; name: string; stream: "stdout" | "stderr"; line: string }
  | { type: "process.ready"; projectId: string; name: string }
  | { type: "process.exited"; projectId: string; name: string; status: ProcessStatus; exitCode: number | null; lastOutput: string[] };

export interface StartProcessInput {
  name: string;
  command: string;
  projectDir: string;
  ownerId?: string;
  port?: number;
  env?: Record<string, string>;
  /** Ready when a line of output matches; otherwise when the port accepts connections (or at once without a port). */
  readyPattern?: RegExp;
}

export interface ManagedProcess {
  info(): ProcessInfo;
  endpoint: SandboxEndpoint | null;
  /** Resolves true when ready, false when the process ended first. */
  ready: Promise<boolean>;
  exited: Promise<SandboxResult>;
  lastOutput(count?: number): OutputLine[];
}

export interface ProcessManager {
  start(projectId: string, input: StartProcessInput): Promise<ManagedProcess>;
  stop(projectId: string, name: string): Promise<void>;
  restart(projectId: string, name: string): Promise<ManagedProcess>;
  get(projectId: string, name: string): ManagedProcess | null;
  list(projectId: string): ProcessInfo[];
  /** Stops every process of a project (project deleted). */
  stopProject(projectId: string): Promise<void>;
  stopAll(): Promise<void>;
  subscribe(listener: (event: ProcessEvent) => void): () => void;
}

interface Entry {
  input: StartProcessInput;
  process: SandboxProcess;
  managed: ManagedProcess;
  stopping: boolean;
}

export function createProcessManager(deps: { sandbox: Sandbox; now?: () => Date; bufferLines?: number }): ProcessManager {
  const now = deps.now ?? (() => new Date());
  const entries = new Map<string, Entry>();
  const listeners = new Set<(event: ProcessEvent) => void>();
  const key = (projectId: string, name: string) => `${projectId}\u0000${name}`;
  const emit = (event: ProcessEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the others or the process.
      }
    }
  };

  async function start(projectId: string, input: StartProcessInput): Promise<ManagedProcess> {
    const existing = entries.get(key(projectId, input.name));
    if (existing && ["starting", "running"].includes(existing.managed.info().status)) {
      throw conflict("conflict", `Process ${input.name} is already running`);
    }
    const buffer = createOutputBuffer(deps.bufferLines ?? 500);
    const startedAt = now();
    let status: ProcessStatus = "starting";
    let endedAt: Date | null = null;
    let result: SandboxResult | null = null;
    let markReady: (value: boolean) => void = () => {};
    const ready = new Promise<boolean>((resolvePromise) => {
      markReady = resolvePromise;
    });
    const becomeReady = () => {
      if (status !== "starting") return;
      status = "running";
      markReady(true);
      emit({ type: "process.ready", projectId, name: input.name });
    };
    const proc = await deps.sandbox.spawn({
      projectDir: input.projectDir,
      command: input.command,
      ...(input.port !== undefined ? { port: input.port } : {}),
      ...(input.env ? { env: input.env } : {}),
      ...(input.ownerId ? { ownerId: input.ownerId } : {}),
      onOutput: ({ stream, data }) => {
        for (const line of buffer.append(stream, data, now())) {
          emit({ type: "process.output", projectId, name: input.name, stream, line });
          if (input.readyPattern?.test(line)) becomeReady();
        }
      },
    });
    const entry: Entry = {
      input,
      process: proc,
      stopping: false,
      managed: {
        endpoint: proc.endpoint ?? null,
        ready,
        exited: proc.exited,
        lastOutput: (count = 50) => buffer.last(count),
        info: () => ({
          projectId,
          name: input.name,
          command: input.command,
          status,
          port: proc.port,
          startedAt,
          endedAt,
          exitCode: result?.exitCode ?? null,
          limitHit: result?.limitHit ?? null,
        }),
      },
    };
    entries.set(key(projectId, input.name), entry);
    emit({ type: "process.started", projectId, name: input.name });
    if (!input.readyPattern) {
      if (input.port !== undefined && proc.portReady) void proc.portReady.then((ok) => ok && becomeReady());
      else becomeReady();
    }
    void proc.exited.then((finished) => {
      result = finished;
      buffer.flush(now());
      endedAt = now();
      // Anything that ends without being asked to is a crash, even with exit code 0: servers should not exit.
      status = entry.stopping ? "stopped" : finished.exitCode === 0 && !input.port ? "exited" : "crashed";
      markReady(false);
      emit({
        type: "process.exited",
        projectId,
        name: input.name,
        status,
        exitCode: finished.exitCode,
        lastOutput: buffer.last(20).map((l) => l.text),
      });
    });
    return entry.managed;
  }

  async function stopEntry(entry: Entry): Promise<void> {
    entry.stopping = true;
    await entry.process.stop();
  }

  return {
    start,
    async stop(projectId, name) {
      const entry = entries.get(key(projectId, name));
      if (!entry) throw notFound("Process");
      await stopEntry(entry);
    },
    async restart(projectId, name) {
      const entry = entries.get(key(projectId, name));
      if (!entry) throw notFound("Process");
      await stopEntry(entry);
      return start(projectId, entry.input);
    },
    get: (projectId, name) => entries.get(key(projectId, name))?.managed ?? null,
    list: (projectId) => [...entries.values()].map((e) => e.managed.info()).filter((info) => info.projectId === projectId),
    async stopProject(projectId) {
      const mine = [...entries.entries()].filter(([, e]) => e.managed.info().projectId === projectId);
      await Promise.all(mine.map(([, e]) => stopEntry(e)));
      for (const [k] of mine) entries.delete(k);
    },
    async stopAll() {
      await Promise.all([...entries.values()].map(stopEntry));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
