// Owns finding the programs the bubblewrap sandbox needs, and the actionable error when one is missing.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { AppError } from "../errors/index";

export function findExecutable(name: string, path = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"): string | null {
  for (const dir of [...path.split(":"), "/usr/bin", "/bin"]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function sandboxUnavailable(reason: string): AppError {
  return new AppError("sandbox_unavailable", 503, `Generated code cannot run safely: ${reason}`);
}

export const INSTALL_HINT =
  "install bubblewrap and util-linux (Debian/Ubuntu: apt-get install bubblewrap util-linux; Fedora: dnf install bubblewrap util-linux); " +
  "for single-user development only, SAMOKODER_SANDBOX=unsafe-host runs commands on the host without isolation";
