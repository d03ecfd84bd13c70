// Owns users' provider keys (BYOK): add, list (last four characters only), delete, status, and decryption at call time.
import type { DatabaseHandle } from "@samokoder/db";
import type { AddProviderKeyBody, ProviderKey } from "@samokoder/schema";
import { AppError, notFound } from "../errors/index";
import type { ProviderId } from "../llm/catalogue";
import type { ProviderCredentials } from "../llm/providers";
import { assertUrlAllowed, type UrlPolicy } from "../llm/url-safety";
import type { KeyRing } from "./crypto";

interface KeyRow {
  id: string;
  user_id: string;
  provider: ProviderKey["provider"];
  label: string | null;
  base_url: string | null;
  encryption_key_id: string;
  ciphertext: string;
  last4: string;
  status: ProviderKey["status"];
  status_detail: string | null;
  checked_at: Date | string | null;
  created_at: Date | string;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function present(row: KeyRow): ProviderKey {
  return {
    id: row.id,
    provider: row.provider,
    label: row.label,
    baseUrl: row.base_url,
    last4: row.last4,
    status: row.status,
    statusDetail: row.status_detail,
    checkedAt: iso(row.checked_at),
    createdAt: iso(row.created_at) ?? "",
  };
}

const MAX_KEYS_PER_USER = 50;

export interface KeyStore {
  add(userId: string, body: AddProviderKeyBody): Promise<ProviderKey>;
  list(userId: string): Promise<ProviderKey[]>;
  get(userId: string, id: string): Promise<ProviderKey>;
  remove(userId: string, id: string): Promise<void>;
  setStatus(id: string, status: ProviderKey["status"], detail: string | null): Promise<void>;
  /** Decrypts one key for a call; the plaintext must not outlive the call. */
  credentials(userId: string, id: string): Promise<ProviderCredentials>;
  /** The user's newest usable key for a provider, decrypted; undefined when they have none. */
  credentialsForProvider(userId: string, provider: ProviderId): Promise<ProviderCredentials | undefined>;
}

export function createKeyStore(db: DatabaseHandle, ring: KeyRing, urlPolicy: UrlPolicy): KeyStore {
  const open = (row: KeyRow): ProviderCredentials => ({
    provider: row.provider,
    apiKey: ring.decrypt(row.encryption_key_id, row.ciphertext, row.user_id),
    baseUrl: row.base_url ?? undefined,
    keyId: row.id,
    source: "user",
  });
  const row = async (userId: string, id: string): Promise<KeyRow> => {
    const [found] = await db.query<KeyRow>("SELECT * FROM provider_keys WHERE id = $1 AND user_id = $2", [id, userId]);
    if (!found) throw notFound("Provider key");
    return found;
  };

  return {
    async add(userId, body) {
      if (body.baseUrl) await assertUrlAllowed(body.baseUrl, urlPolicy);
      const [count] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM provider_keys WHERE user_id = $1", [userId]);
      if ((count?.n ?? 0) >= MAX_KEYS_PER_USER) {
        throw new AppError("quota_exceeded", 402, "Too many provider keys", { details: { used: count?.n ?? 0, limit: MAX_KEYS_PER_USER } });
      }
      const sealed = ring.encrypt(body.apiKey, userId);
      const [inserted] = await db.query<KeyRow>(
        `INSERT INTO provider_keys (user_id, provider, label, base_url, encryption_key_id, ciphertext, last4)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [
          userId,
          body.provider,
          body.label ?? null,
          body.baseUrl?.replace(/\/+$/, "") ?? null,
          sealed.keyId,
          sealed.ciphertext,
          body.apiKey.slice(-4),
        ],
      );
      if (!inserted) throw new AppError("internal_error", 500, "The key was not stored");
      return present(inserted);
    },
    async list(userId) {
      const rows = await db.query<KeyRow>("SELECT * FROM provider_keys WHERE user_id = $1 ORDER BY created_at, id", [userId]);
      return rows.map(present);
    },
    async get(userId, id) {
      return present(await row(userId, id));
    },
    async remove(userId, id) {
      const deleted = await db.query("DELETE FROM provider_keys WHERE id = $1 AND user_id = $2 RETURNING id", [id, userId]);
      if (deleted.length === 0) throw notFound("Provider key");
    },
    async setStatus(id, status, detail) {
      await db.query("UPDATE provider_keys SET status = $2, status_detail = $3, checked_at = now(), updated_at = now() WHERE id = $1", [
        id,
        status,
        detail,
      ]);
    },
    async credentials(userId, id) {
      return open(await row(userId, id));
    },
    async credentialsForProvider(userId, provider) {
      const [found] = await db.query<KeyRow>(
        `SELECT * FROM provider_keys WHERE user_id = $1 AND provider = $2 AND status <> 'invalid'
         ORDER BY created_at DESC, id DESC LIMIT 1`,
        [userId, provider],
      );
      return found ? open(found) : undefined;
    },
  };
}
