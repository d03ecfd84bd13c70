// Owns access JWTs: HS256 under a key derived for this purpose only, 15 minutes, naming the session.
import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { AppError, unauthorized } from "../errors/index";
import { deriveKey } from "./crypto";

export const ACCESS_TOKEN_PURPOSE = "access-token";

export interface AccessClaims {
  userId: string;
  sessionId: string;
  jti: string;
}

export function accessTokenKey(secretKey: string): Uint8Array {
  return deriveKey(secretKey, ACCESS_TOKEN_PURPOSE);
}

export async function signAccessToken(
  key: Uint8Array,
  claims: { userId: string; sessionId: string },
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + ttlSeconds;
  const token = await new SignJWT({ sid: claims.sessionId, typ: "access" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** Verifies signature, algorithm (HS256 only: no `none`, no key confusion), expiry and the claim shape. */
export async function verifyAccessToken(key: Uint8Array, token: string, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], currentDate: now, requiredClaims: ["exp", "sub", "jti"] });
    if (payload.typ !== "access" || typeof payload.sid !== "string" || !payload.sub || !payload.jti) {
      throw unauthorized("Invalid access token");
    }
    return { userId: payload.sub, sessionId: payload.sid, jti: payload.jti };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AppError("token_expired", 401, "The access token has expired; refresh it");
    if (AppError.isInstance(error)) throw error;
    throw unauthorized("Invalid access token");
  }
}
