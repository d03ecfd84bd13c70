// Owns composing the domain services from the runtime's adapters: one line per capability.
import { type AuthService, createAuthService, createProjectsService, type ProjectsService } from "@samokoder/core";
import { createWorkspaceStore, type WorkspaceStore } from "@samokoder/core";
import { createLlmService, type LlmService } from "@samokoder/core";
import { createLlmMetrics } from "./http/llm-metrics";
import { createEngineService, type EngineService } from "./engine/engine-service";
import type { Runtime } from "./runtime";
import { createSandboxServices, type SandboxServices } from "./sandbox-services";

export interface Services {
  projects: ProjectsService;
  auth: AuthService;
  workspaces: WorkspaceStore;
  llm: LlmService;
  engine: EngineService;
  sandbox: SandboxServices["sandbox"];
  processes: SandboxServices["processes"];
  previews: SandboxServices["previews"];
}

export async function createServices(runtime: Omit<Runtime, "services">): Promise<Services> {
  return {
    projects: createProjectsService({ db: runtime.db.db, clock: runtime.clock, quota: runtime.config.projectQuota }),
    auth: createAuthService({ db: runtime.db, clock: runtime.clock, config: runtime.config }),
    workspaces: createWorkspaceStore({ dataDir: runtime.config.dataDir }),
    llm: createLlmService({ ...runtime, observe: createLlmMetrics(runtime.metrics.registry) }),
    engine: createEngineService(runtime),
    ...createSandboxServices(runtime),
  };
}
