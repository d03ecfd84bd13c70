// Owns one project's workspace: confined file operations on the work tree, checkpoints as git commits, diff and restore.
import { constants } from "node:fs";
import { open, rm } from "node:fs/promises";
import { GitRef } from "@samokoder/schema";
import { AppError } from "../errors/index";
import { formatCommitMessage, parseCommitMessage, TRAILER_RESTORED_FROM } from "./commit-message";
import { exportTreeZip } from "./export-zip";
import { type Git, GitError } from "./git";
import { listCommitTree, listWorkingTree } from "./listing";
import { normalizeProjectPath, pathNotAllowed, prepareWrite, resolveExisting, resolveForDelete } from "./paths";
import type { Checkpoint, CommitMeta, DiffFileStat, Workspace, WorkspaceExport, WorkspaceFileEntry } from "./types";

const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type Lock = <T>(work: () => Promise<T>) => Promise<T>;

function isMissingObject(error: unknown): boolean {
  return error instanceof GitError;
}

export class GitWorkspace implements Workspace {
  constructor(
    readonly projectId: string,
    /** Real path of the work tree (symlinks resolved), so confinement compares like with like. */
    readonly dir: string,
    private readonly git: Git,
    private readonly lock: Lock,
  ) {}

  async head(): Promise<string | null> {
    const result = await this.git.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { okExitCodes: [1] });
    return result.exitCode === 0 ? result.stdout.toString("utf8").trim() : null;
  }

  async resolveRef(ref = "HEAD"): Promise<string> {
    const parsed = GitRef.safeParse(ref);
    if (!parsed.success) throw new AppError("validation_failed", 422, "ref must be a commit sha, HEAD or a branch/tag name");
    const result = await this.git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", `${parsed.data}^{commit}`], {
      okExitCodes: [1, 128],
    });
    if (result.exitCode !== 0) throw new AppError("not_found", 404, `Commit "${parsed.data}" not found`);
    return result.stdout.toString("utf8").trim();
  }

  async listFiles(path = "", ref?: string): Promise<WorkspaceFileEntry[]> {
    const prefix = normalizeProjectPath(path, { allowRoot: true });
    if (ref !== undefined) return listCommitTree(this.git, await this.resolveRef(ref), prefix);
    if (prefix) await resolveExisting(this.dir, prefix);
    return listWorkingTree(this.git, this.dir, prefix);
  }

  async readFileBytes(path: string, ref?: string): Promise<Buffer> {
    const relative = normalizeProjectPath(path);
    if (ref !== undefined) {
      const sha = await this.resolveRef(ref);
      try {
        // `<sha>:<path>` starts with hex digits, so it can never be taken for an option.
        return (await this.git.run(["cat-file", "blob", `${sha}:${relative}`])).stdout;
      } catch (error) {
        if (isMissingObject(error)) throw new AppError("not_found", 404, `File "${relative}" not found at ${sha.slice(0, 12)}`);
        throw error;
      }
    }
    const real = await resolveExisting(this.dir, relative);
    const handle = await open(real, constants.O_RDONLY);
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw pathNotAllowed(relative, "it is a directory");
      if (info.size > MAX_FILE_BYTES) throw new AppError("payload_too_large", 413, `File "${relative}" is larger than 10 MB`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readFile(path: string, ref?: string): Promise<string> {
    return (await this.readFileBytes(path, ref)).toString("utf8");
  }

  private async writeResolved(target: string, content: string | Buffer): Promise<void> {
    // O_NOFOLLOW: if a link was planted after the checks, the write fails instead of following it.
    const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  }

  writeFile(path: string, content: string | Buffer): Promise<void> {
    return this.writeFiles([{ path, content }]);
  }

  async writeFiles(files: Array<{ path: string; content: string | Buffer }>): Promise<void> {
    const normalized = files.map((file) => ({ path: normalizeProjectPath(file.path), content: file.content }));
    await this.lock(async () => {
      const targets: string[] = [];
      for (const file of normalized) targets.push(await prepareWrite(this.dir, file.path));
      for (const [index, file] of normalized.entries()) await this.writeResolved(targets[index] as string, file.content);
    });
  }

  async editFile(path: string, search: string, replace: string): Promise<void> {
    const relative = normalizeProjectPath(path);
    if (search === "") throw new AppError("edit_no_match", 422, "The search text is empty; give the exact text to replace");
    await this.lock(async () => {
      const bytes = await this.readFileBytes(relative);
      const content = bytes.toString("utf8");
      let count = 0;
      for (let at = content.indexOf(search); at !== -1; at = content.indexOf(search, at + 1)) count++;
      if (count === 0) {
        throw new AppError("edit_no_match", 422, `The search text does not occur in ${relative}; nothing was changed`, {
          details: { path: relative, matches: 0 },
        });
      }
      if (count > 1) {
        throw new AppError(
          "edit_multiple_matches",
          422,
          `The search text occurs ${count} times in ${relative}; include more surrounding lines so it matches once. Nothing was changed`,
          { details: { path: relative, matches: count } },
        );
      }
      const at = content.indexOf(search);
      const target = await prepareWrite(this.dir, relative);
      await this.writeResolved(target, content.slice(0, at) + replace + content.slice(at + search.length));
    });
  }

  async deleteFile(path: string): Promise<void> {
    const relative = normalizeProjectPath(path);
    await this.lock(async () => {
      const target = await resolveForDelete(this.dir, relative);
      await rm(target, { recursive: true, force: true });
    });
  }

  /** Stages everything and commits if anything changed; the caller holds the lock. */
  private async commitUnlocked(meta: CommitMeta, extra: Record<string, string> = {}): Promise<string> {
    const message = formatCommitMessage(meta, extra);
    await this.git.run(["add", "--all", "--", "."]);
    // Three git processes per checkpoint, because every engine step makes one: exit 1 means "nothing to commit".
    const committed = await this.git.run(["commit", "--quiet", "--no-verify", "--file=-"], { input: message, okExitCodes: [1] });
    if (committed.exitCode === 1 && !/nothing (added )?to commit/.test(committed.stdout.toString("utf8"))) {
      throw new GitError(["commit"], 1, committed.stdout.toString("utf8") + committed.stderr);
    }
    return (await this.head()) as string;
  }

  commit(meta: CommitMeta): Promise<string> {
    return this.lock(() => this.commitUnlocked(meta));
  }

  async checkpoints(limit = 50): Promise<Checkpoint[]> {
    if (!(await this.head())) return [];
    const count = Math.max(1, Math.min(1000, Math.floor(limit)));
    const output = await this.git.text(["log", "-z", `--max-count=${count}`, "--format=%H%x1f%cI%x1f%B", "HEAD"]);
    const checkpoints: Checkpoint[] = [];
    for (const record of output.split("\0")) {
      const [sha, createdAt, body] = record.replace(/^\n/, "").split("\x1f");
      if (!sha || !createdAt) continue;
      checkpoints.push({ sha, createdAt: new Date(createdAt).toISOString(), ...parseCommitMessage(body ?? "") });
    }
    return checkpoints;
  }

  async diff(from: string, to = "HEAD"): Promise<string> {
    const [a, b] = [await this.resolveRef(from), await this.resolveRef(to)];
    return this.git.text(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", a, b, "--"]);
  }

  async diffStats(from: string, to = "HEAD"): Promise<DiffFileStat[]> {
    const [a, b] = [await this.resolveRef(from), await this.resolveRef(to)];
    const parts = (await this.git.run(["diff", "--numstat", "-z", "--no-ext-diff", "--find-renames", a, b, "--"])).stdout
      .toString("utf8")
      .split("\0");
    const stats: DiffFileStat[] = [];
    // -z format: "added\tdeleted\tpath\0", or for a rename "added\tdeleted\t\0old\0new\0".
    for (let i = 0; i < parts.length; i++) {
      const [added, deleted, path] = (parts[i] ?? "").split("\t");
      if (added === undefined || deleted === undefined || path === undefined) continue;
      const binary = added === "-" && deleted === "-";
      const numbers = { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary };
      if (path === "") {
        stats.push({ path: parts[i + 2] ?? "", oldPath: parts[i + 1] ?? null, ...numbers });
        i += 2;
      } else {
        stats.push({ path, oldPath: null, ...numbers });
      }
    }
    return stats;
  }

  restore(sha: string, meta: Partial<CommitMeta> = {}): Promise<string> {
    return this.lock(async () => {
      const target = await this.resolveRef(sha);
      // Uncommitted work is saved first, so a restore never destroys anything.
      const head = await this.commitUnlocked({
        runId: meta.runId ?? null,
        taskId: meta.taskId ?? null,
        step: "autosave",
        summary: "Save uncommitted changes before restoring a checkpoint",
      });
      const message = formatCommitMessage(
        {
          runId: meta.runId ?? null,
          taskId: meta.taskId ?? null,
          step: meta.step ?? "restore",
          summary: meta.summary ?? `Restore checkpoint ${target.slice(0, 12)}`,
        },
        { [TRAILER_RESTORED_FROM]: target },
      );
      const created = (await this.git.text(["commit-tree", `${target}^{tree}`, "-p", head, "-F", "-"], { input: message })).trim();
      await this.git.run(["update-ref", "-m", "samokoder restore", "HEAD", created, head]);
      await this.git.run(["read-tree", "--reset", "-u", created]);
      return created;
    });
  }

  async exportZip(ref = "HEAD"): Promise<WorkspaceExport> {
    const sha = await this.resolveRef(ref);
    const committedAt = new Date((await this.git.text(["show", "-s", "--format=%cI", sha])).trim());
    return { sha, stream: await exportTreeZip(this.git, sha, committedAt) };
  }
}
