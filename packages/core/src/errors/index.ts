// Owns the domain error hierarchy: every expected failure is an AppError with a stable code.
import type { ErrorCode } from "@samokoder/schema";

const APP_ERROR = Symbol.for("samokoder.AppError");

export class AppError extends Error {
  readonly [APP_ERROR] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    status: number,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  static isInstance(value: unknown): value is AppError {
    return typeof value === "object" && value !== null && APP_ERROR in value;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", 400, message, { details });
export const validationFailed = (message: string, details?: unknown) => new AppError("validation_failed", 422, message, { details });
export const unauthorized = (message = "Authentication required") => new AppError("unauthorized", 401, message);
export const forbidden = (message = "You do not have permission to do this") => new AppError("forbidden", 403, message);
export const notFound = (what = "Resource") => new AppError("not_found", 404, `${what} not found`);
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new AppError(code, 409, message, { details });
export const quotaExceeded = (message: string, details: { used: number; limit: number; [k: string]: unknown }) =>
  new AppError("quota_exceeded", 402, message, { details });
export const tooManyRequests = (code: ErrorCode, message: string, retryAfterSeconds: number) =>
  new AppError(code, 429, message, {
    details: { retryAfterSeconds },
    headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
