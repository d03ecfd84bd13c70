// Owns the password policy: every unmet rule is reported at once, so a user fixes them in one go.
import { dictionary } from "@zxcvbn-ts/language-common";
import { randomBytes } from "node:crypto";
import { AppError } from "../errors/index";

export type PasswordRule = "length" | "uppercase" | "lowercase" | "digit" | "special" | "no_triple_repeat" | "not_common";

export interface UnmetRule {
  rule: PasswordRule;
  message: string;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let common: Set<string> | undefined;
/** zxcvbn-ts ships ~49,000 lower-case common passwords; built once on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"]);
  return common;
}

/**
 * Normalisation for the common-password check: compare lower-cased, and also with trailing digits and
 * symbols stripped, because "Password123!" is just "password" with the decorations policies force.
 * The stripped form is only used when at least 4 characters remain, so short stems do not reject everything.
 */
export function isCommonPassword(password: string): boolean {
  const lowered = password.normalize("NFKC").toLowerCase();
  const list = commonPasswords();
  if (list.has(lowered)) return true;
  const withoutTrailingSymbols = lowered.replace(/[^\p{L}\p{N}]+$/u, "");
  if (withoutTrailingSymbols.length >= 4 && list.has(withoutTrailingSymbols)) return true;
  const stem = lowered.replace(/[^\p{L}]+$/u, "");
  return stem.length >= 4 && list.has(stem);
}

export function unmetPasswordRules(password: string): UnmetRule[] {
  const unmet: UnmetRule[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    unmet.push({ rule: "length", message: `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (!/\p{Lu}/u.test(password)) unmet.push({ rule: "uppercase", message: "Add an upper-case letter" });
  if (!/\p{Ll}/u.test(password)) unmet.push({ rule: "lowercase", message: "Add a lower-case letter" });
  if (!/\p{Nd}/u.test(password)) unmet.push({ rule: "digit", message: "Add a digit" });
  if (!/[^\p{L}\p{N}\s]/u.test(password)) unmet.push({ rule: "special", message: "Add a special character, e.g. ! ? # %" });
  if (/(.)\1\1/su.test(password)) unmet.push({ rule: "no_triple_repeat", message: "Do not repeat a character 3 times in a row" });
  if (isCommonPassword(password)) unmet.push({ rule: "not_common", message: "This password is too common; choose another" });
  return unmet;
}

export function assertStrongPassword(password: string): void {
  const rules = unmetPasswordRules(password);
  if (rules.length > 0) {
    throw new AppError("weak_password", 422, "The password does not meet the policy", { details: { rules } });
  }
}

/** A random password that satisfies the policy (for `user create-admin` without --password, and tests). */
export function generatePassword(): string {
  for (;;) {
    const candidate = `${randomBytes(18).toString("base64url")}aZ7!`;
    if (unmetPasswordRules(candidate).length === 0) return candidate;
  }
}
