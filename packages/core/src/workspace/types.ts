// Owns the contract of a project's workspace: a git repository under the data dir, with confined file access.

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

export interface Workspace {
  readonly projectId: string;
  /** Absolute directory of the work tree (give this to the sandbox). */
  readonly dir: string;
  listFiles(path?: string, ref?: string): Promise<WorkspaceFileEntry[]>;
  readFile(path: string, ref?: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  /** Exact search/replace: `search` must occur exactly once, otherwise nothing changes and it throws. */
  editFile(path: string, search: string, replace: string): Promise<void>;
  deleteFile(path: string): Promise<void>;
  /** Commits all changes (even none: returns the current head then). */
  commit(meta: CommitMeta): Promise<string>;
  head(): Promise<string | null>;
  checkpoints(limit?: number): Promise<Checkpoint[]>;
  diff(from: string, to?: string): Promise<string>;
  /** New commit whose tree equals `sha`'s; history is kept. */
  restore(sha: string, meta?: Partial<CommitMeta>): Promise<string>;
}
