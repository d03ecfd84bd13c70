// Owns re-encrypting every stored provider key under the current APP_SECRET_KEY (`samokoder keys rotate`).
import type { DatabaseHandle } from "@samokoder/db";
import type { KeyRing } from "./crypto";

export interface RotationReport {
  currentKeyId: string;
  reencrypted: number;
  alreadyCurrent: number;
}

const BATCH = 100;

/**
 * Safe while the platform serves traffic: each row is rewritten only if it still holds the ciphertext we read,
 * and both the old and the new secret decrypt during the rotation. Throws if a row uses an unknown secret,
 * leaving that row untouched.
 */
export async function rotateProviderKeys(db: DatabaseHandle, ring: KeyRing): Promise<RotationReport> {
  let reencrypted = 0;
  for (;;) {
    const rows = await db.query<{ id: string; user_id: string; encryption_key_id: string; ciphertext: string }>(
      "SELECT id, user_id, encryption_key_id, ciphertext FROM provider_keys WHERE encryption_key_id <> $1 ORDER BY id LIMIT $2",
      [ring.currentId, BATCH],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const plaintext = ring.decrypt(row.encryption_key_id, row.ciphertext, row.user_id);
      const sealed = ring.encrypt(plaintext, row.user_id);
      const updated = await db.query(
        `UPDATE provider_keys SET encryption_key_id = $2, ciphertext = $3, updated_at = now()
         WHERE id = $1 AND ciphertext = $4 RETURNING id`,
        [row.id, sealed.keyId, sealed.ciphertext, row.ciphertext],
      );
      reencrypted += updated.length;
    }
  }
  const [current] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM provider_keys WHERE encryption_key_id = $1", [
    ring.currentId,
  ]);
  return { currentKeyId: ring.currentId, reencrypted, alreadyCurrent: (current?.n ?? 0) - reencrypted };
}
