// Owns the wire contract for errors: stable machine codes and the one error envelope.
import { z } from "zod";

export const errorCodes = [
  "bad_request",
  "invalid_json",
  "validation_failed",
  "unauthorized",
  "invalid_credentials",
  "token_expired",
  "forbidden",
  "csrf_failed",
  "not_found",
  "method_not_allowed",
  "conflict",
  "email_taken",
  "payload_too_large",
  "unsupported_media_type",
  "quota_exceeded",
  "rate_limited",
  "account_locked",
  "weak_password",
  "run_active",
  "capability_unsupported",
  "provider_error",
  "provider_unreachable",
  "invalid_provider_key",
  "provider_not_configured",
  "context_length_exceeded",
  "url_not_allowed",
  "sandbox_unavailable",
  "sandbox_limit",
  "path_not_allowed",
  "edit_no_match",
  "edit_multiple_matches",
  "template_not_found",
  "internal_error",
  "service_unavailable",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().describe("Stable machine-readable code"),
      message: z.string().describe("Human-readable message, safe to show"),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: "ErrorEnvelope" });

export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
