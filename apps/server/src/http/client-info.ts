// Owns describing the caller's client for lockout and the audit log: address and (bounded) user agent.
import type { ClientInfo } from "@samokoder/core";
import type { FastifyRequest } from "fastify";

export function clientInfo(request: FastifyRequest): ClientInfo {
  const agent = request.headers["user-agent"];
  return { ip: request.ip, userAgent: typeof agent === "string" ? agent.slice(0, 512) : null };
}
