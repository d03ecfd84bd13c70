// Owns running the git binary for one workspace: isolated from host config, hooks and the project's own files.
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

export const PLATFORM_IDENTITY = { name: "Samokoder", email: "samokoder@localhost" } as const;

// The git directory lives outside the work tree, so nothing generated code writes can configure git;
// these switches additionally neutralise anything a host-wide config could add.
const SAFE_OPTIONS = [
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.quotePath=false",
  "-c",
  "core.autocrlf=false",
  "-c",
  "safe.directory=*",
  "-c",
  "diff.noprefix=false",
  "-c",
  "color.ui=false",
];

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const LOCK_RETRIES = 20;

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ""} failed (${exitCode}): ${stderr.trim().slice(0, 500)}`);
    this.name = "GitError";
  }
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

export interface GitRunOptions {
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (e.g. 1 for `diff --quiet`). */
  okExitCodes?: number[];
}

export class Git {
  constructor(
    readonly gitDir: string,
    readonly workTree: string,
  ) {}

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: this.gitDir,
      LANG: "C",
      LC_ALL: "C",
      GIT_DIR: this.gitDir,
      GIT_WORK_TREE: this.workTree,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_TERMINAL_PROMPT: "0",
      GIT_OPTIONAL_LOCKS: "0",
      GIT_AUTHOR_NAME: PLATFORM_IDENTITY.name,
      GIT_AUTHOR_EMAIL: PLATFORM_IDENTITY.email,
      GIT_COMMITTER_NAME: PLATFORM_IDENTITY.name,
      GIT_COMMITTER_EMAIL: PLATFORM_IDENTITY.email,
    };
  }

  /** Starts git with stdin and stdout pipes (for `cat-file --batch`). */
  spawnWithInput(args: string[]): ChildProcess & { stdout: Readable; stdin: Writable } {
    return spawn("git", [...SAFE_OPTIONS, ...args], {
      cwd: this.workTree,
      env: this.env(),
      stdio: ["pipe", "pipe", "ignore"],
    }) as ChildProcess & { stdout: Readable; stdin: Writable };
  }

  /**
   * Runs git once more while another process (an API and a worker may share a workspace) holds the index lock;
   * git has no way to wait on it.
   */
  async run(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(args, options);
      } catch (error) {
        const locked =
          error instanceof GitError && /index\.lock': File exists|Unable to create .*\.lock|cannot lock ref/.test(error.stderr);
        if (!locked || attempt >= LOCK_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      }
    }
  }

  private runOnce(args: string[], options: GitRunOptions): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("git", [...SAFE_OPTIONS, ...args], {
        cwd: this.workTree,
        env: this.env(),
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > MAX_OUTPUT_BYTES) {
          child.kill("SIGKILL");
          return;
        }
        out.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (err.length < 64 * 1024) err += chunk.toString("utf8");
      });
      child.on("error", reject);
      child.on("close", (code) => {
        if (outBytes > MAX_OUTPUT_BYTES) return reject(new GitError(args, code, "output exceeded the size limit"));
        const exitCode = code ?? -1;
        if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) return reject(new GitError(args, code, err));
        resolve({ stdout: Buffer.concat(out), stderr: err, exitCode });
      });
      child.stdin.on("error", () => {});
      child.stdin.end(options.input ?? "");
    });
  }

  async text(args: string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString("utf8");
  }
}
