// Owns classifying provider failures: what to tell the user, what to record, and whether to retry.
import { APICallError } from "ai";
import type { ErrorCode } from "@samokoder/schema";
import { AppError } from "../errors/index";

export interface Failure {
  /** Recorded as the ledger outcome and the metrics label. */
  outcome:
    | "rate_limited"
    | "provider_error"
    | "timeout"
    | "provider_unreachable"
    | "context_length_exceeded"
    | "invalid_provider_key"
    | "cancelled"
    | ErrorCode;
  retryable: boolean;
  providerStatus: number | null;
  retryAfterMs: number | null;
  error: AppError;
}

const CONTEXT_PATTERN = /context[_ ]length|maximum context|context window|prompt is too long|too many tokens|reduce the length/i;

function retryAfterMs(headers: Record<string, string> | undefined): number | null {
  if (!headers) return null;
  const ms = headers["retry-after-ms"];
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers["retry-after"];
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * Provider messages are deliberately not passed on (some echo a masked key); the status code and our own
 * wording are enough to act on.
 */
export function classifyFailure(error: unknown, label: string, reason: "cancelled" | "timeout" | null): Failure {
  if (reason === "cancelled") {
    return {
      outcome: "cancelled",
      retryable: false,
      providerStatus: null,
      retryAfterMs: null,
      error: new AppError("provider_error", 499, "The model call was cancelled"),
    };
  }
  if (reason === "timeout") {
    return {
      outcome: "timeout",
      retryable: true,
      providerStatus: null,
      retryAfterMs: null,
      error: new AppError("provider_unreachable", 504, `${label} did not answer in time`),
    };
  }
  if (AppError.isInstance(error)) {
    return { outcome: error.code, retryable: false, providerStatus: null, retryAfterMs: null, error };
  }
  const status = APICallError.isInstance(error) ? (error.statusCode ?? null) : null;
  const body = APICallError.isInstance(error) ? `${error.responseBody ?? ""} ${error.message}` : "";
  const details = { provider: label, providerStatus: status };
  // A 2xx whose body broke off mid-stream is a dropped connection, not an answer.
  if (status === null || (status >= 200 && status < 300)) {
    return {
      outcome: "provider_unreachable",
      retryable: true,
      providerStatus: null,
      retryAfterMs: null,
      error: new AppError("provider_unreachable", 502, `${label} could not be reached or dropped the connection`, { details }),
    };
  }
  if ((status === 400 || status === 413) && CONTEXT_PATTERN.test(body)) {
    return {
      outcome: "context_length_exceeded",
      retryable: false,
      providerStatus: status,
      retryAfterMs: null,
      error: new AppError("context_length_exceeded", 422, `The conversation is longer than ${label}'s context window`, { details }),
    };
  }
  if (status === 401 || status === 403) {
    return {
      outcome: "invalid_provider_key",
      retryable: false,
      providerStatus: status,
      retryAfterMs: null,
      error: new AppError("invalid_provider_key", 422, `${label} rejected the API key (HTTP ${status}); check or replace it under Keys`, {
        details,
      }),
    };
  }
  const headers = APICallError.isInstance(error) ? error.responseHeaders : undefined;
  if (status === 429) {
    return {
      outcome: "rate_limited",
      retryable: true,
      providerStatus: status,
      retryAfterMs: retryAfterMs(headers),
      error: new AppError("provider_error", 502, `${label} is rate limiting requests`, { details }),
    };
  }
  const retryable = status === 408 || status === 409 || status >= 500;
  return {
    outcome: "provider_error",
    retryable,
    providerStatus: status,
    retryAfterMs: retryable ? retryAfterMs(headers) : null,
    error: new AppError("provider_error", 502, `${label} answered HTTP ${status}`, { details }),
  };
}

/** Exponential backoff with full jitter, at least the provider's Retry-After, never more than `maxMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfter: number | null, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** attempt);
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.min(maxMs, Math.max(jittered, retryAfter ?? 0));
}
