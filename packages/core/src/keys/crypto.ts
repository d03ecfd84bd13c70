// Owns encryption of provider keys at rest: AES-256-GCM under keys derived (HKDF) from APP_SECRET_KEY,
// each ciphertext tagged with the id of the key that sealed it so earlier secrets still decrypt during a rotation.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "../errors/index";

interface DerivedKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** Id of the key new ciphertexts are sealed with. */
  currentId: string;
  /** Ids of every key able to open a ciphertext (current first). */
  ids: string[];
  encrypt(plaintext: string, context: string): { keyId: string; ciphertext: string };
  /** `context` (the owning user id) is bound as associated data: a ciphertext moved to another user fails to open. */
  decrypt(keyId: string, ciphertext: string, context: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function derive(secret: string): DerivedKey {
  const key = Buffer.from(hkdfSync("sha256", secret, "samokoder/provider-keys", "aes-256-gcm/v1", 32));
  // The id is a fingerprint of the derived key, not of the secret, and too short to be useful to an attacker.
  const id = `k${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
  return { id, key };
}

export function createKeyRing(current: string, previous: string[] = []): KeyRing {
  const currentKey = derive(current);
  const keys = new Map<string, Buffer>([[currentKey.id, currentKey.key]]);
  for (const secret of previous) {
    const derived = derive(secret);
    if (!keys.has(derived.id)) keys.set(derived.id, derived.key);
  }
  return {
    currentId: currentKey.id,
    ids: [...keys.keys()],
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey.key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { keyId: currentKey.id, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64") };
    },
    decrypt(keyId, ciphertext, context) {
      const key = keys.get(keyId);
      if (!key) {
        throw new AppError("internal_error", 500, "A stored provider key was sealed with a secret this server does not have", {
          details: { keyId, hint: "add the earlier APP_SECRET_KEY to APP_SECRET_KEY_PREVIOUS" },
        });
      }
      const raw = Buffer.from(ciphertext, "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        throw new AppError("internal_error", 500, "A stored provider key could not be decrypted");
      }
    },
  };
}
