// Owns email normalisation: one canonical spelling per address, so duplicates cannot hide behind case or width.
import { z } from "zod";
import { validationFailed } from "../errors/index";

const EmailShape = z.email({ pattern: z.regexes.unicodeEmail });

/** Trim, NFKC (folds full-width and compatibility forms), lower-case. Does not validate. */
export function canonicalEmail(raw: string): string {
  return raw.trim().normalize("NFKC").toLowerCase();
}

/** Canonical form of a new account's email; a 422 naming the field when it is not an address. */
export function normalizeEmail(raw: string): string {
  const email = canonicalEmail(raw);
  if (email.length > 320 || /[\s\p{C}]/u.test(email) || !EmailShape.safeParse(email).success) {
    throw validationFailed("The request is not valid", { fields: [{ field: "email", message: "Enter a valid email address" }] });
  }
  return email;
}
