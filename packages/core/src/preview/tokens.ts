// Owns the signed preview tokens: a one-time hand-off from the platform origin, and the preview-origin session.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const Payload = z.object({
  k: z.enum(["handoff", "session"]),
  p: z.string(),
  u: z.string(),
  exp: z.number(),
  n: z.string(),
});
export type PreviewTokenPayload = z.infer<typeof Payload>;

export function createPreviewTokens(secretKey: string, now: () => number = Date.now) {
  // A key of its own: a preview token can never pass as any other signed value of the platform.
  const key = createHmac("sha256", secretKey).update("samokoder-preview-tokens-v1").digest();
  const used = new Map<string, number>();
  const sessions = new Map<string, PreviewTokenPayload>();
  const sign = (body: string) => createHmac("sha256", key).update(body).digest("base64url");

  function issue(kind: PreviewTokenPayload["k"], projectId: string, userId: string, ttlSeconds: number): string {
    const payload: PreviewTokenPayload = {
      k: kind,
      p: projectId,
      u: userId,
      exp: now() + ttlSeconds * 1000,
      n: randomBytes(12).toString("base64url"),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${sign(body)}`;
  }

  function verify(token: string, kind: PreviewTokenPayload["k"]): PreviewTokenPayload | null {
    const [body, mac, extra] = token.split(".");
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let parsed: PreviewTokenPayload;
    try {
      const result = Payload.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
      if (!result.success) return null;
      parsed = result.data;
    } catch {
      return null;
    }
    if (parsed.k !== kind || parsed.exp < now()) return null;
    return parsed;
  }

  return {
    issueHandoff: (projectId: string, userId: string) => issue("handoff", projectId, userId, 60),
    issueSession: (projectId: string, userId: string, ttlSeconds: number) => issue("session", projectId, userId, ttlSeconds),
    /** A hand-off token works once: a leaked URL (history, logs, Referer) cannot be replayed. */
    redeemHandoff(token: string): PreviewTokenPayload | null {
      const payload = verify(token, "handoff");
      if (!payload || used.has(payload.n)) return null;
      for (const [nonce, exp] of used) if (exp < now()) used.delete(nonce);
      used.set(payload.n, payload.exp);
      return payload;
    },
    /** Verified sessions are remembered (bounded), so the proxy's hot path skips the HMAC and parsing. */
    verifySession(token: string): PreviewTokenPayload | null {
      const known = sessions.get(token);
      if (known) return known.exp >= now() ? known : null;
      const payload = verify(token, "session");
      if (payload) {
        if (sessions.size >= 1000) sessions.clear();
        sessions.set(token, payload);
      }
      return payload;
    },
  };
}

export type PreviewTokens = ReturnType<typeof createPreviewTokens>;
