// Owns the shape of an authenticated caller, shared by every capability that scopes by user.
export type AuthMethod = "cookie" | "bearer-jwt" | "personal-access-token";

export interface AuthContext {
  userId: string;
  role: "user" | "admin";
  tier: "free" | "starter" | "pro" | "team";
  method: AuthMethod;
  /** The session (refresh-token family) behind a cookie or JWT; null for personal access tokens. */
  sessionId: string | null;
}
