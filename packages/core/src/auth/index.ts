// Public surface of auth: the service, and the primitives tests and the transport need.
export { accessTokenKey, signAccessToken, verifyAccessToken } from "./access-token";
export { type AuthService, type AuthServiceDeps, createAuthService } from "./auth-service";
export { deriveKey, sha256 } from "./crypto";
export { createCsrfToken, csrfKey, verifyCsrfToken } from "./csrf";
export { canonicalEmail, normalizeEmail } from "./email";
export { hashPassword, verifyPassword } from "./password-hash";
export { assertStrongPassword, generatePassword, isCommonPassword, type UnmetRule, unmetPasswordRules } from "./password-policy";
export { isPersonalAccessToken, PAT_PREFIX } from "./personal-access-tokens";
export { REFRESH_TOKEN_PREFIX } from "./sessions";
export type { SessionTokens } from "./service";
