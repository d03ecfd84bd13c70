import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/index";
import { backoffMs, classifyFailure } from "./failures";

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}, body = "") =>
  new APICallError({
    message: "failed",
    url: "https://x.test",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    responseBody: body,
  });

describe("provider failure classification", () => {
  it("retries 429 and 5xx with the provider's Retry-After (seconds, HTTP date or retry-after-ms)", () => {
    expect(classifyFailure(apiError(429, { "retry-after": "7" }), "p", null)).toMatchObject({
      outcome: "rate_limited",
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(classifyFailure(apiError(503, { "retry-after-ms": "250" }), "p", null)).toMatchObject({ retryable: true, retryAfterMs: 250 });
    const date = new Date(Date.now() + 60_000).toUTCString();
    expect(classifyFailure(apiError(429, { "retry-after": date }), "p", null).retryAfterMs).toBeGreaterThan(50_000);
    expect(classifyFailure(apiError(500), "p", null)).toMatchObject({ outcome: "provider_error", retryable: true });
  });

  it("does not retry bad keys, context-length errors or other client errors", () => {
    expect(classifyFailure(apiError(401), "p", null)).toMatchObject({ outcome: "invalid_provider_key", retryable: false });
    expect(classifyFailure(apiError(403), "p", null).error.code).toBe("invalid_provider_key");
    expect(classifyFailure(apiError(400, {}, '{"error":{"code":"context_length_exceeded"}}'), "p", null)).toMatchObject({
      outcome: "context_length_exceeded",
      retryable: false,
    });
    expect(classifyFailure(apiError(400, {}, "prompt is too long: 300000 tokens"), "p", null).outcome).toBe("context_length_exceeded");
    expect(classifyFailure(apiError(404), "p", null)).toMatchObject({ outcome: "provider_error", retryable: false });
  });

  it("treats dropped connections and timeouts as retryable, cancellation as final, and never leaks the provider's body", () => {
    expect(classifyFailure(apiError(undefined), "p", null)).toMatchObject({ outcome: "provider_unreachable", retryable: true });
    expect(classifyFailure(new Error("socket hang up"), "p", null).retryable).toBe(true);
    expect(classifyFailure(new Error("x"), "p", "timeout")).toMatchObject({ outcome: "timeout", retryable: true });
    expect(classifyFailure(new Error("x"), "p", "cancelled")).toMatchObject({ outcome: "cancelled", retryable: false });
    const leaky = classifyFailure(apiError(401, {}, "Incorrect API key provided: sk-abc***wxyz"), "OpenAI", null);
    expect(JSON.stringify({ message: leaky.error.message, details: leaky.error.details })).not.toContain("sk-abc");
    const own = new AppError("url_not_allowed", 422, "nope");
    expect(classifyFailure(own, "p", null)).toMatchObject({ outcome: "url_not_allowed", retryable: false, error: own });
  });
});

describe("backoff", () => {
  it("grows exponentially with jitter, waits at least Retry-After, and never beyond the cap", () => {
    expect(backoffMs(0, 500, 30_000, null, () => 0)).toBe(250);
    expect(backoffMs(0, 500, 30_000, null, () => 1)).toBe(500);
    expect(backoffMs(3, 500, 30_000, null, () => 1)).toBe(4000);
    expect(backoffMs(10, 500, 30_000, null, () => 1)).toBe(30_000);
    expect(backoffMs(0, 500, 30_000, 2000, () => 0)).toBe(2000);
    expect(backoffMs(0, 500, 30_000, 120_000, () => 0)).toBe(30_000);
  });
});
