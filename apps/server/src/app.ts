// Owns assembling the HTTP application: hygiene, security, auth, metrics, docs and routes.
import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { registerAuthentication } from "./http/authentication";
import { resolveCredentials } from "./http/credentials";
import { registerErrorHandling } from "./http/errors";
import { registerMetrics } from "./http/metrics";
import { registerOpenApi } from "./http/openapi";
import { registerRateLimits } from "./http/rate-limits";
import { registerSecurity } from "./http/security";
import { registerRoutes } from "./routes/index";
import type { Runtime } from "./runtime";

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export type App = FastifyInstance;

export async function buildApp(runtime: Runtime): Promise<App> {
  const { config } = runtime;
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy:
      typeof config.trustProxy === "number" ? (_address: string, hop: number) => hop < (config.trustProxy as number) : config.trustProxy,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: true,
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerErrorHandling(app);
  await registerSecurity(app, { corsOrigins: config.corsOrigins });
  await app.register(cookie, { secret: config.secretKey, hook: "onRequest" });
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  registerMetrics(app, runtime.metrics, config.metricsToken);
  await registerOpenApi(app);
  registerAuthentication(app, runtime, resolveCredentials(runtime));
  await registerRateLimits(app, runtime);
  await registerRoutes(app, runtime);
  return app;
}
