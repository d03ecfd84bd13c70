// Owns password hashing: argon2id with OWASP's minimum parameters, and a dummy verify for unknown accounts.
import { hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id is an ambient const enum, which isolatedModules cannot inline; its value is 2.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/** Computes the dummy hash ahead of time, so that even the first unknown-email login costs one verify. */
export function warmDummyHash(): void {
  dummy ??= hashPassword("dummy-password-for-timing-equalisation");
}
/** Spends the same work as a real verify, so a login for an unknown email takes as long as a wrong password. */
export async function dummyVerify(password: string): Promise<false> {
  warmDummyHash();
  if (!dummy) return false;
  await verifyPassword(await dummy, password);
  return false;
}
