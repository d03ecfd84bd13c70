// Owns rate limiting: a global per-user / per-address budget and stricter per-address limits on auth routes.
import rateLimit, { normalizeIP, type RateLimitOptions } from "@fastify/rate-limit";
import { tooManyRequests } from "@samokoder/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import type { Runtime } from "../runtime";

const MINUTE = 60_000;

/** IPv6 clients are grouped by /64, since one host can trivially rotate through its whole prefix. */
const byAddress = (request: FastifyRequest) => `ip:${normalizeIP(request.ip, 64)}`;

/** Route-level limit per client address (register, login, refresh); replaces the global one on that route. */
export function perAddressLimit(maxPerMinute: number): RateLimitOptions {
  return { max: maxPerMinute, timeWindow: MINUTE, keyGenerator: byAddress };
}

export async function registerRateLimits(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const { rateLimits, redisUrl } = runtime.config;
  // With Redis every API process shares one budget; without it each process counts on its own.
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : undefined;
  if (redis) {
    redis.on("error", (error) => runtime.logger.warn({ err: error.message }, "rate-limit store unavailable"));
    app.addHook("onClose", async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  await app.register(rateLimit, {
    global: true,
    hook: "onRequest",
    enableDraftSpec: true,
    timeWindow: MINUTE,
    // request.auth is resolved by the authentication hook, which runs before this one.
    max: (request) => (request.auth ? rateLimits.userPerMinute : rateLimits.anonymousPerMinute),
    keyGenerator: (request) => (request.auth ? `user:${request.auth.userId}` : byAddress(request)),
    errorResponseBuilder: (_request, context) => tooManyRequests("rate_limited", "Too many requests; slow down", context.ttl / 1000),
    ...(redis ? { redis, nameSpace: rateLimits.redisPrefix } : {}),
    // A broken Redis should not take the API down with it; limits resume when it comes back.
    skipOnError: true,
  });
}
