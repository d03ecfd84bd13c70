// Owns the OpenAPI 3.1 document generated from the zod route schemas, and the docs UI.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { VERSION } from "../version";

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Samokoder API",
        version: VERSION,
        description:
          "Browsers authenticate with httpOnly cookies plus an X-CSRF-Token header on writes (token from GET /api/v1/auth/csrf). Scripts use personal access tokens as `Authorization: Bearer`.",
      },
      components: {
        securitySchemes: {
          cookieAuth: { type: "apiKey", in: "cookie", name: "access_token" },
          bearerAuth: { type: "http", scheme: "bearer" },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true, uiConfig: { withCredentials: true } });
  app.get("/api/openapi.json", { schema: { hide: true }, config: { auth: "none" } }, async () => app.swagger());
}
