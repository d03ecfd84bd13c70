// Owns live previews: one sandboxed app per project, a platform-chosen port, owner-only access, quotas and idle stop.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { AppError, quotaExceeded } from "../errors/index";
import type { ProcessManager, ProcessStatus } from "../sandbox/process-manager";
import type { SandboxEndpoint } from "../sandbox/types";
import { defaultPreviewCommand } from "./command";
import { createPreviewTokens } from "./tokens";

export const PREVIEW_PROCESS = "preview";

export interface PreviewSettings {
  maxPerUser: number;
  idleMinutes: number;
  /** Previews live at <projectId>.<domain>. */
  domain: string;
}

export interface PreviewStatus {
  projectId: string;
  status: ProcessStatus | "none";
  /** Entry point on the platform origin: hands the owner's browser over to the preview origin. */
  url: string | null;
  origin: string;
  startedAt: string | null;
  uptimeSeconds: number | null;
  lastOutput: string[];
  exitCode: number | null;
  limitHit: string | null;
}

export interface PreviewServiceDeps {
  processes: ProcessManager;
  projects: { getOwned(ownerId: string, projectId: string): Promise<unknown> };
  dataDir: string;
  settings: PreviewSettings;
  /** Scheme and port previews are reached on (the platform's own listener). */
  publicBase: { protocol: "http" | "https"; port: number; platformOrigin: string };
  secretKey: string;
  now?: () => Date;
}

interface Running {
  ownerId: string;
  lastActivity: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export function createPreviewService(deps: PreviewServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const tokens = createPreviewTokens(deps.secretKey, () => now().getTime());
  const running = new Map<string, Running>();
  const { protocol, port } = deps.publicBase;
  const defaultPort = (protocol === "http" && port === 80) || (protocol === "https" && port === 443);
  const originOf = (projectId: string) => `${protocol}://${projectId}.${deps.settings.domain}${defaultPort ? "" : `:${port}`}`;

  function statusOf(projectId: string): PreviewStatus {
    const process = deps.processes.get(projectId, PREVIEW_PROCESS);
    const info = process?.info();
    const active = info && (info.status === "starting" || info.status === "running");
    return {
      projectId,
      status: info?.status ?? "none",
      url: active ? `${deps.publicBase.platformOrigin}/preview/${projectId}/` : null,
      origin: originOf(projectId),
      startedAt: info ? info.startedAt.toISOString() : null,
      uptimeSeconds: info && active ? Math.max(0, Math.round((now().getTime() - info.startedAt.getTime()) / 1000)) : null,
      lastOutput: process ? process.lastOutput(30).map((line) => line.text) : [],
      exitCode: info?.exitCode ?? null,
      limitHit: info?.limitHit ?? null,
    };
  }

  function activeCount(ownerId: string): number {
    let count = 0;
    for (const [projectId, entry] of running) {
      const status = deps.processes.get(projectId, PREVIEW_PROCESS)?.info().status;
      if (entry.ownerId === ownerId && (status === "starting" || status === "running")) count++;
    }
    return count;
  }

  async function stopPreview(projectId: string): Promise<void> {
    running.delete(projectId);
    if (deps.processes.get(projectId, PREVIEW_PROCESS)) await deps.processes.stop(projectId, PREVIEW_PROCESS);
  }

  return {
    originOf,
    async start(
      ownerId: string,
      projectId: string,
      input: { command?: string | undefined; readyPattern?: string | undefined; waitMs?: number } = {},
    ): Promise<PreviewStatus> {
      await deps.projects.getOwned(ownerId, projectId);
      const existing = deps.processes.get(projectId, PREVIEW_PROCESS)?.info().status;
      if (existing === "starting" || existing === "running") return statusOf(projectId);
      const used = activeCount(ownerId);
      if (used >= deps.settings.maxPerUser) {
        throw quotaExceeded(`At most ${deps.settings.maxPerUser} previews may run at once; stop one first`, {
          resource: "concurrent_previews",
          used,
          limit: deps.settings.maxPerUser,
        });
      }
      const projectDir = join(deps.dataDir, "projects", projectId.toLowerCase());
      if (!existsSync(projectDir)) throw new AppError("conflict", 409, "Nothing to preview yet: the project has no files");
      const command = input.command ?? (await defaultPreviewCommand(projectDir));
      let readyPattern: RegExp | undefined;
      try {
        readyPattern = input.readyPattern ? new RegExp(input.readyPattern) : undefined;
      } catch {
        throw new AppError("validation_failed", 422, "readyPattern is not a valid regular expression");
      }
      const process = await deps.processes.start(projectId, {
        name: PREVIEW_PROCESS,
        command,
        projectDir,
        ownerId,
        port: await freePort(),
        env: { NODE_ENV: "development", HOST: "127.0.0.1" },
        ...(readyPattern ? { readyPattern } : {}),
      });
      running.set(projectId, { ownerId, lastActivity: now().getTime() });
      const waitMs = input.waitMs ?? 20_000;
      if (waitMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([process.ready, new Promise((resolvePromise) => (timer = setTimeout(resolvePromise, waitMs)))]);
        if (timer) clearTimeout(timer);
      }
      return statusOf(projectId);
    },

    async stop(ownerId: string, projectId: string): Promise<PreviewStatus> {
      await deps.projects.getOwned(ownerId, projectId);
      await stopPreview(projectId);
      return statusOf(projectId);
    },

    async status(ownerId: string, projectId: string): Promise<PreviewStatus> {
      await deps.projects.getOwned(ownerId, projectId);
      return statusOf(projectId);
    },

    /** The running preview's endpoint for its owner, or null (the proxy answers 404 for everyone else). */
    endpointFor(projectId: string, userId: string): SandboxEndpoint | null {
      const entry = running.get(projectId);
      if (!entry || entry.ownerId !== userId) return null;
      const process = deps.processes.get(projectId, PREVIEW_PROCESS);
      if (process?.info().status !== "running") return null;
      entry.lastActivity = now().getTime();
      return process.endpoint;
    },

    issueHandoff: (projectId: string, userId: string) => tokens.issueHandoff(projectId, userId),
    redeemHandoff: (token: string) => tokens.redeemHandoff(token),
    issueSession: (projectId: string, userId: string) => tokens.issueSession(projectId, userId, 12 * 3600),
    verifySession: (token: string) => tokens.verifySession(token),

    /** Stops previews nobody has requested for longer than the idle limit; returns how many. */
    async sweepIdle(): Promise<number> {
      const limit = deps.settings.idleMinutes * 60_000;
      const idle = [...running.entries()].filter(([, entry]) => now().getTime() - entry.lastActivity > limit);
      await Promise.all(idle.map(([projectId]) => stopPreview(projectId)));
      return idle.length;
    },

    /** Previews running (or starting) right now, all users. */
    runningCount(): number {
      let count = 0;
      for (const projectId of running.keys()) {
        const status = deps.processes.get(projectId, PREVIEW_PROCESS)?.info().status;
        if (status === "starting" || status === "running") count++;
      }
      return count;
    },

    /** Releases a deleted project's preview. */
    async forgetProject(projectId: string): Promise<void> {
      running.delete(projectId);
      await deps.processes.stopProject(projectId);
    },
  };
}

export type PreviewService = ReturnType<typeof createPreviewService>;
