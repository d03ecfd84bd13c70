// Owns turning every failure into the one error envelope; nothing internal reaches a client.
import { AppError } from "@samokoder/core";
import type { ErrorCode } from "@samokoder/schema";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";

interface RouteShape {
  method: string;
  pattern: RegExp;
}

function send(reply: FastifyReply, request: FastifyRequest, status: number, code: ErrorCode, message: string, details?: unknown) {
  const error: Record<string, unknown> = { code, message };
  if (details !== undefined) error.details = details;
  error.requestId = request.id;
  return reply.status(status).type("application/json; charset=utf-8").send({ error });
}

function fieldPath(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
  return [context, path].filter(Boolean).join(".");
}

export function registerErrorHandling(app: FastifyInstance): void {
  const routes: RouteShape[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = route.url
      .split("/")
      .map((part) => (part.startsWith(":") ? "[^/]+" : part === "*" ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    // CORS registers a catch-all OPTIONS route; it must not turn every unknown path into a 405.
    if (route.url.includes("*")) return;
    for (const method of methods) routes.push({ method, pattern: new RegExp(`^${source}/?$`) });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      return send(reply, request, 405, "method_not_allowed", `Method ${request.method} is not allowed here`, { allowed });
    }
    return send(reply, request, 404, "not_found", "No such route");
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (AppError.isInstance(error)) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      if (error.status >= 500) request.log.error({ err: error }, "request failed");
      return send(reply, request, error.status, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((v) => ({
        field: fieldPath(v.instancePath, error.validationContext),
        message: v.message ?? "Invalid value",
      }));
      return send(reply, request, 422, "validation_failed", "The request is not valid", { fields });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, "response did not match its schema");
      return send(reply, request, 500, "internal_error", "Internal error");
    }
    switch (error.code) {
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return send(reply, request, 413, "payload_too_large", "The request body is too large");
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return send(reply, request, 415, "unsupported_media_type", "Unsupported content type; send application/json");
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return send(reply, request, 400, "invalid_json", "The request body is not valid JSON");
      case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
        return send(reply, request, 400, "bad_request", "Invalid Content-Length");
      case "FST_ERR_RATE_LIMIT_EXCEEDED":
        return send(reply, request, 429, "rate_limited", "Too many requests; slow down");
    }
    if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
      return send(reply, request, 400, "invalid_json", "The request body is not valid JSON");
    }
    const status = typeof error.statusCode === "number" ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return send(reply, request, status, "bad_request", "The request could not be processed");
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, request, 500, "internal_error", "Internal error");
  });
}
