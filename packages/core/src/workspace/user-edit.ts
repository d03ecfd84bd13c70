// Owns a person's direct edit of a file: written and committed at once as the `user-edit` step, so agents see it in history.
import { normalizeProjectPath } from "./paths";
import type { Workspace } from "./types";

export async function commitUserEdit(
  workspace: Workspace,
  input: { path: string; content: string | Buffer; message?: string | undefined },
): Promise<{ path: string; sha: string }> {
  const path = normalizeProjectPath(input.path);
  await workspace.writeFile(path, input.content);
  const sha = await workspace.commit({ step: "user-edit", summary: input.message ?? `Edit ${path}` });
  return { path, sha };
}

/** Text when the bytes are valid UTF-8 without NUL bytes; otherwise the caller should send base64. */
export function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
