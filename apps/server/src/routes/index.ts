// Owns the list of route modules: one line per capability.
import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime";
import { keyRoutes } from "./keys";
import { modelRoutes } from "./models";
import { usageRoutes } from "./usage";
import { adminRoutes } from "./admin";
import { authRoutes } from "./auth";
import { healthRoutes } from "./health";
import { tokenRoutes } from "./tokens";
import { projectRoutes } from "./projects";
import { workspaceRoutes } from "./workspace";
import { previewRoutes } from "./preview";
import { runRoutes } from "./runs";
import { runEventRoutes } from "./run-events";

export async function registerRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  await app.register(healthRoutes(runtime));
  await app.register(authRoutes(runtime));
  await app.register(tokenRoutes(runtime));
  await app.register(adminRoutes(runtime));
  await app.register(projectRoutes(runtime));
  await app.register(workspaceRoutes(runtime));
  await app.register(previewRoutes(runtime));
  await app.register(runRoutes(runtime));
  await app.register(runEventRoutes(runtime));
  await app.register(keyRoutes(runtime));
  await app.register(modelRoutes(runtime));
  await app.register(usageRoutes(runtime));
}
