// Owns CSRF tokens: a random nonce plus an HMAC binding it to one session (signed double-submit).
import { randomBytes } from "node:crypto";
import { deriveKey, hmac, safeEqual } from "./crypto";

export const CSRF_PURPOSE = "csrf-token";

export function csrfKey(secretKey: string): Uint8Array {
  return deriveKey(secretKey, CSRF_PURPOSE);
}

/** Any number of tokens may be minted per session; all stay valid until the session ends. */
export function createCsrfToken(key: Uint8Array, binding: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${hmac(key, `${binding}.${nonce}`)}`;
}

export function verifyCsrfToken(key: Uint8Array, binding: string, token: string | undefined): boolean {
  if (!token || token.length > 200) return false;
  const [nonce, signature, extra] = token.split(".");
  if (!nonce || !signature || extra !== undefined) return false;
  return safeEqual(signature, hmac(key, `${binding}.${nonce}`));
}
