// Owns the contract of a project's workspace: a git repository under the data dir, with confined file access.
import type { Readable } from "node:stream";

export interface WorkspaceFileEntry {
  path: string;
  type: "file" | "directory";
  size: number;
}

export interface Checkpoint {
  sha: string;
  message: string;
  createdAt: string;
  /** Parsed from the commit trailers: run, task and step that produced it. */
  runId: string | null;
  taskId: string | null;
  step: string | null;
}

export interface CommitMeta {
  runId?: string | null;
  taskId?: string | null;
  step: string;
  /** Human summary for the commit subject. */
  summary: string;
}

export interface DiffFileStat {
  path: string;
  /** Set when git detected a rename. */
  oldPath: string | null;
  additions: number;
  deletions: number;
  binary: boolean;
}

export interface WorkspaceExport {
  /** The commit whose tree is exported. */
  sha: string;
  /** ZIP bytes, produced while being read. */
  stream: Readable;
}

export interface Workspace {
  readonly projectId: string;
  /** Absolute directory of the work tree (give this to the sandbox). */
  readonly dir: string;
  /**
   * Every file and directory under `path` (recursive, sorted, without .git and ignored files such as node_modules).
   * Without `ref`: the working tree including uncommitted files; with `ref`: that commit's tree.
   */
  listFiles(path?: string, ref?: string): Promise<WorkspaceFileEntry[]>;
  readFile(path: string, ref?: string): Promise<string>;
  /** Raw bytes (binary-safe). */
  readFileBytes(path: string, ref?: string): Promise<Buffer>;
  writeFile(path: string, content: string | Buffer): Promise<void>;
  /** Writes several files; every path is validated before the first is written. */
  writeFiles(files: Array<{ path: string; content: string | Buffer }>): Promise<void>;
  /** Exact search/replace: `search` must occur exactly once, otherwise nothing changes and it throws. */
  editFile(path: string, search: string, replace: string): Promise<void>;
  deleteFile(path: string): Promise<void>;
  /** Commits all changes (even none: returns the current head then). */
  commit(meta: CommitMeta): Promise<string>;
  head(): Promise<string | null>;
  checkpoints(limit?: number): Promise<Checkpoint[]>;
  /** Resolves a sha, HEAD or branch/tag name (validated, never a git option) to a full commit sha; 404 if unknown. */
  resolveRef(ref?: string): Promise<string>;
  /** Unified diff between two commits; `to` defaults to HEAD. */
  diff(from: string, to?: string): Promise<string>;
  diffStats(from: string, to?: string): Promise<DiffFileStat[]>;
  /** New commit whose tree equals `sha`'s; history is kept. */
  restore(sha: string, meta?: Partial<CommitMeta>): Promise<string>;
  /** ZIP of the tree at `ref` (default HEAD), without .git and node_modules. */
  exportZip(ref?: string): Promise<WorkspaceExport>;
}

export interface WorkspaceStore {
  /** Directory of a project's work tree (`<dataDir>/projects/<projectId>`), whether or not it exists yet. */
  dirOf(projectId: string): string;
  /** Opens the project's workspace, creating the repository (with an initial commit) on first use. */
  ensure(projectId: string): Promise<Workspace>;
  exists(projectId: string): Promise<boolean>;
  /** Deletes the work tree and its history (when the project is deleted). */
  remove(projectId: string): Promise<void>;
}
