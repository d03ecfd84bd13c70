// Owns composing the sandbox, the process manager and the preview service, with their start-up and shutdown duties.
import {
  createPreviewService,
  createProcessManager,
  createSandbox,
  type ManagedSandbox,
  notFound,
  type PreviewService,
  type ProcessManager,
  sandboxProblem,
  isUuid,
} from "@samokoder/core";
import { createSandboxMetrics } from "./http/sandbox-metrics";
import type { Runtime } from "./runtime";

export interface SandboxServices {
  sandbox: ManagedSandbox;
  processes: ProcessManager;
  previews: PreviewService;
}

function publicBase(config: Runtime["config"]) {
  if (config.publicUrl) {
    const url = new URL(config.publicUrl);
    const protocol = url.protocol === "https:" ? ("https" as const) : ("http" as const);
    return { protocol, port: url.port ? Number(url.port) : protocol === "https" ? 443 : 80, platformOrigin: url.origin };
  }
  return { protocol: "http" as const, port: config.port, platformOrigin: `http://localhost:${config.port}` };
}

export function createSandboxServices(runtime: Omit<Runtime, "services">): SandboxServices {
  const { config, logger } = runtime;
  const metrics = createSandboxMetrics(runtime.metrics.registry);
  const sandbox = createSandbox(config, metrics.observe);
  if (sandbox.kind === "bwrap") {
    const problem = sandboxProblem();
    if (problem) logger.warn({ problem }, "sandbox unavailable: generated code will not run");
  } else {
    logger.warn("SAMOKODER_SANDBOX=unsafe-host: generated code runs on this machine without isolation (development only)");
  }
  const reaped = sandbox.reapOrphans();
  if (reaped > 0) logger.info({ reaped }, "killed sandboxed processes left by a previous run");
  const processes = createProcessManager({ sandbox, now: () => runtime.clock.now() });
  const previews = createPreviewService({
    processes,
    projects: {
      // Ownership is the projects table's owner_id: anything else is "not found", never "forbidden".
      async getOwned(ownerId, projectId) {
        if (!isUuid(projectId)) throw notFound("Project");
        const rows = await runtime.db.query("SELECT id FROM projects WHERE id = $1 AND owner_id = $2", [projectId, ownerId]);
        if (rows.length === 0) throw notFound("Project");
        return rows[0];
      },
    },
    dataDir: config.dataDir,
    settings: config.preview,
    publicBase: publicBase(config),
    secretKey: config.secretKey,
    now: () => runtime.clock.now(),
  });
  metrics.watch({ sandboxesRunning: () => sandbox.running(), previewsRunning: () => previews.runningCount() });
  const sweep = setInterval(() => {
    previews.sweepIdle().catch((error: unknown) => logger.warn({ err: error }, "idle preview sweep failed"));
  }, 60_000);
  sweep.unref();
  runtime.onClose(async () => {
    clearInterval(sweep);
    await processes.stopAll();
    await sandbox.close();
  });
  return { sandbox, processes, previews };
}
