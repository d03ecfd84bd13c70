// Owns `samokoder serve`: start the HTTP API (and, in later roles, workers) until a signal stops it.
import { parseArgs } from "node:util";
import { buildApp } from "../app";
import { createRuntime } from "../runtime";
import { configOrExit } from "./load-config";

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: "string", default: "api,worker" } } });
  const roles = new Set((values.role ?? "api,worker").split(",").map((r) => r.trim()));
  const config = configOrExit();
  if (!config) return 1;
  const runtime = await createRuntime(config, { migrate: true });
  if (config.secretsGenerated) runtime.logger.info({ dataDir: config.dataDir }, "generated secrets into the data dir (mode 0600)");
  const app = roles.has("api") ? await buildApp(runtime) : null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, "shutting down");
    await app?.close();
    await runtime.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  if (app) {
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace("[::1]", "localhost");
    console.log(`Samokoder is running at ${url}  (API docs: ${url}/api/docs)`);
  }
  if (roles.has("worker")) {
    const worker = await runtime.services.engine.startWorker();
    console.log(`Samokoder run worker ${worker.id} is running`);
  }
  await new Promise(() => {});
  return 0;
}
