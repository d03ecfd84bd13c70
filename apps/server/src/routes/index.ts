// Owns the list of route modules: one line per capability.
import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime";
import { healthRoutes } from "./health";
import { projectRoutes } from "./projects";

export async function registerRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  await app.register(healthRoutes(runtime));
  await app.register(projectRoutes(runtime));
}
