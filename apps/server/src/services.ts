// Owns composing the domain services from the runtime's adapters: one line per capability.
import { createProjectsService, type ProjectsService } from "@samokoder/core";
import type { Runtime } from "./runtime";

export interface Services {
  /** Placeholder key so the object is never empty; capabilities add their services below. */
  startedAt: Date;
  projects: ProjectsService;
}

export async function createServices(runtime: Omit<Runtime, "services">): Promise<Services> {
  return {
    startedAt: runtime.clock.now(),
    projects: createProjectsService({ db: runtime.db.db, clock: runtime.clock, quota: runtime.config.projectQuota }),
  };
}
