import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/index";
import { createWorkspaceStore } from "./store";
import type { Workspace } from "./types";

let dataDir: string;
let workspace: Workspace;

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!AppError.isInstance(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "samokoder-workspace-"));
  workspace = await createWorkspaceStore({ dataDir }).ensure(randomUUID());
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("git workspace", () => {
  it("keeps the history outside the work tree, so generated code cannot configure git", async () => {
    expect(workspace.dir).toBe(join(dataDir, "projects", workspace.projectId));
    const listing = execFileSync("ls", ["-A", workspace.dir]).toString();
    expect(listing).not.toContain(".git");
    const [initial] = await workspace.checkpoints();
    expect(initial?.step).toBe("init");
  });

  it("commits with run, task and step trailers that checkpoints() parses back", async () => {
    await workspace.writeFiles([
      { path: "src/index.ts", content: "export const a = 1;\n" },
      { path: "README.md", content: "# demo\n" },
    ]);
    const sha = await workspace.commit({
      runId: "run-1",
      taskId: "task-7",
      step: "implement",
      summary: "Add the entry point\nsecond line",
    });
    const [latest] = await workspace.checkpoints(1);
    expect(latest).toMatchObject({ sha, runId: "run-1", taskId: "task-7", step: "implement", message: "Add the entry point second line" });
    const author = execFileSync("git", [
      "--git-dir",
      join(dataDir, "git", `${workspace.projectId}.git`),
      "log",
      "-1",
      "--format=%an <%ae>",
    ]);
    expect(author.toString().trim()).toBe("Samokoder <samokoder@localhost>");
  });

  it("returns the current head when there is nothing to commit", async () => {
    const head = await workspace.head();
    expect(await workspace.commit({ step: "noop", summary: "nothing" })).toBe(head);
  });

  it("applies an edit that matches exactly once and refuses the others, changing nothing", async () => {
    await workspace.writeFile("dup.txt", "x = 1\nx = 1\n");
    expect((await errorOf(workspace.editFile("dup.txt", "x = 1", "x = 2"))).code).toBe("edit_multiple_matches");
    expect((await errorOf(workspace.editFile("dup.txt", "y = 1", "y = 2"))).code).toBe("edit_no_match");
    expect(await workspace.readFile("dup.txt")).toBe("x = 1\nx = 1\n");
    await workspace.editFile("dup.txt", "x = 1\nx = 1", "x = 1\nx = 3");
    expect(await workspace.readFile("dup.txt")).toBe("x = 1\nx = 3\n");
  });

  it("refuses absolute paths, .., .git and NUL bytes", async () => {
    for (const path of ["/etc/passwd", "../outside", "src/../../x", ".git/config", "a/.GIT/HEAD", "a\0b"]) {
      expect((await errorOf(workspace.writeFile(path, "x"))).code).toBe("path_not_allowed");
      expect((await errorOf(workspace.readFile(path))).code).toBe("path_not_allowed");
    }
  });

  it("does not let a symlink to / escape for reads, writes, edits or listings", async () => {
    symlinkSync("/", join(workspace.dir, "root-link"));
    symlinkSync("/etc/hostname", join(workspace.dir, "host-file"));
    expect((await errorOf(workspace.readFile("root-link/etc/hostname"))).code).toBe("path_not_allowed");
    expect((await errorOf(workspace.readFile("host-file"))).code).toBe("path_not_allowed");
    expect((await errorOf(workspace.writeFile("root-link/tmp/escaped.txt", "x"))).code).toBe("path_not_allowed");
    expect((await errorOf(workspace.writeFile("host-file", "x"))).code).toBe("path_not_allowed");
    expect((await errorOf(workspace.editFile("host-file", "a", "b"))).code).toBe("path_not_allowed");
    expect((await errorOf(workspace.listFiles("root-link"))).code).toBe("path_not_allowed");
    const listed = (await workspace.listFiles()).map((entry) => entry.path);
    expect(listed).toContain("root-link");
    expect(listed.some((path) => path.startsWith("root-link/"))).toBe(false);
    await workspace.deleteFile("root-link");
    await workspace.deleteFile("host-file");
  });

  it("reads files and lists trees at an older commit", async () => {
    const before = await workspace.commit({ step: "edit", summary: "Save edits" });
    await workspace.writeFile("src/index.ts", "export const a = 2;\n");
    await workspace.commit({ step: "edit", summary: "Bump a" });
    expect(await workspace.readFile("src/index.ts", before)).toBe("export const a = 1;\n");
    expect(await workspace.readFile("src/index.ts")).toBe("export const a = 2;\n");
    const tree = await workspace.listFiles("", before);
    expect(tree).toContainEqual({ path: "src", type: "directory", size: 0 });
    expect(tree).toContainEqual({ path: "src/index.ts", type: "file", size: 20 });
    expect(await workspace.listFiles("src/index.ts", before)).toEqual([{ path: "src/index.ts", type: "file", size: 20 }]);
    expect(await workspace.listFiles("src/index.ts")).toEqual([{ path: "src/index.ts", type: "file", size: 20 }]);
    expect((await errorOf(workspace.readFile("missing.ts", before))).code).toBe("not_found");
    expect((await errorOf(workspace.resolveRef("--output=/tmp/x"))).code).toBe("validation_failed");
    expect((await errorOf(workspace.resolveRef("deadbeef"))).code).toBe("not_found");
  });

  it("diffs two commits with per-file stats", async () => {
    const [latest, previous] = await workspace.checkpoints(2);
    const diff = await workspace.diff(previous?.sha as string, latest?.sha);
    expect(diff).toContain("-export const a = 1;");
    expect(diff).toContain("+export const a = 2;");
    expect(await workspace.diffStats(previous?.sha as string)).toEqual([
      { path: "src/index.ts", oldPath: null, additions: 1, deletions: 1, binary: false },
    ]);
  });

  it("restores an old checkpoint as a new commit, keeping history and uncommitted work", async () => {
    const checkpoints = await workspace.checkpoints();
    const target = checkpoints.find((c) => c.step === "implement");
    const headBefore = await workspace.head();
    writeFileSync(join(workspace.dir, "unsaved.txt"), "work in progress\n");
    const restored = await workspace.restore(target?.sha as string);
    const [latest, autosave] = await workspace.checkpoints(2);
    expect(latest?.sha).toBe(restored);
    expect(latest?.step).toBe("restore");
    expect(autosave?.step).toBe("autosave");
    expect(await workspace.readFile("unsaved.txt", autosave?.sha)).toBe("work in progress\n");
    expect(await workspace.readFile("src/index.ts")).toBe("export const a = 1;\n");
    expect((await errorOf(workspace.readFile("unsaved.txt"))).code).toBe("not_found");
    expect(await workspace.readFile("src/index.ts", headBefore as string)).toBe("export const a = 2;\n");
  });

  it("lets two processes commit to one workspace at once (git's index lock is waited for)", async () => {
    // Two stores have separate in-process locks, like an API process and a worker.
    const projectId = randomUUID();
    const first = await createWorkspaceStore({ dataDir }).ensure(projectId);
    const second = await createWorkspaceStore({ dataDir }).ensure(projectId);
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const workspace = i % 2 === 0 ? first : second;
        await workspace.writeFile(`file-${i}.txt`, `${i}\n`);
        await workspace.commit({ step: "parallel", summary: `File ${i}` });
      }),
    );
    expect(await first.commit({ step: "final", summary: "Collect anything left" })).toBeTruthy();
    const files = (await first.listFiles("", "HEAD")).map((entry) => entry.path);
    expect(files).toEqual(["file-0.txt", "file-1.txt", "file-2.txt", "file-3.txt", "file-4.txt", "file-5.txt"]);
  });

  it("exports a ZIP whose entries are byte-identical to the committed blobs", async () => {
    const exported = await createWorkspaceStore({ dataDir }).ensure(randomUUID());
    const large = Buffer.alloc(300_000);
    for (let i = 0; i < large.length; i++) large[i] = (i * 7919) % 256;
    const files = [
      { path: "big.bin", content: large },
      { path: "empty.txt", content: "" },
      ...Array.from({ length: 40 }, (_, i) => ({ path: `src/f${i}.ts`, content: `export const n = ${i};\n`.repeat(i + 1) })),
    ];
    await exported.writeFiles(files);
    const sha = await exported.commit({ step: "export", summary: "Files to export" });
    const { sha: zipped, stream } = await exported.exportZip();
    expect(zipped).toBe(sha);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const zipPath = join(dataDir, "export.zip");
    writeFileSync(zipPath, Buffer.concat(chunks));
    expect(execFileSync("zipinfo", ["-1", zipPath]).toString().trim().split("\n").length).toBe(files.length);
    expect(execFileSync("unzip", ["-p", zipPath, "big.bin"], { maxBuffer: 1 << 22 }).equals(large)).toBe(true);
    expect(execFileSync("unzip", ["-p", zipPath, "src/f39.ts"]).toString()).toBe("export const n = 39;\n".repeat(40));
  });
});
