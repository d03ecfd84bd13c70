// Owns the one "does this path exist (following links)" check the workspace code shares.
import { access } from "node:fs/promises";

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
