import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseKinds, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Headers = Record<string, string>;

describe.each(databaseKinds())("project workspace API on %s", (kind) => {
  let t: TestApp;
  let alice: Headers;
  let aliceCookies: Headers;
  let bob: Headers;
  let projectId: string;
  let base: string;
  let scratch: string;

  const get = (url: string, headers: Headers = alice) => t.app.inject({ method: "GET", url, headers });
  const put = (path: string, payload: object, headers: Headers = alice) =>
    t.app.inject({ method: "PUT", url: `${base}/files/${path}`, headers, payload });

  beforeAll(async () => {
    t = await startTestApp(kind);
    const signedUp = await signUpUser(t);
    alice = signedUp.bearerHeaders;
    aliceCookies = signedUp.cookieHeaders;
    bob = (await signUpUser(t)).bearerHeaders;
    const created = await t.app.inject({ method: "POST", url: "/api/v1/projects", headers: alice, payload: { name: "Notes app" } });
    projectId = created.json().project.id;
    base = `/api/v1/projects/${projectId}`;
    scratch = mkdtempSync(join(tmpdir(), "samokoder-export-"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("commits a user edit with the user-edit step, lists it and reads it back", async () => {
    const written = await put("src/main.ts", { content: "console.log('hi');\n" });
    expect(written.statusCode).toBe(200);
    expect(written.json()).toMatchObject({ path: "src/main.ts", sha: expect.stringMatching(/^[0-9a-f]{40}$/) });

    const checkpoints = (await get(`${base}/checkpoints`)).json().items;
    expect(checkpoints[0]).toMatchObject({ sha: written.json().sha, step: "user-edit", message: "Edit src/main.ts", runId: null });
    expect(checkpoints.at(-1)).toMatchObject({ step: "init" });

    const listing = (await get(`${base}/files`)).json();
    expect(listing.ref).toBeNull();
    expect(listing.entries).toEqual([
      { path: "src", type: "directory", size: 0 },
      { path: "src/main.ts", type: "file", size: 19 },
    ]);
    const file = await get(`${base}/files/src/main.ts`);
    expect(file.json()).toEqual({ path: "src/main.ts", ref: null, encoding: "utf8", content: "console.log('hi');\n", size: 19 });
  });

  it("accepts cookie-authenticated edits with the CSRF header", async () => {
    const written = await put("notes.md", { content: "# Notes\n", message: "Add notes" }, aliceCookies);
    expect(written.statusCode).toBe(200);
    expect((await get(`${base}/checkpoints?limit=1`)).json().items[0]).toMatchObject({ message: "Add notes", step: "user-edit" });
  });

  it("decodes URL-encoded file paths (spaces, unicode)", async () => {
    const url = `docs/${encodeURIComponent("my notes ü.md")}`;
    expect((await put(url, { content: "ü\n" })).json().path).toBe("docs/my notes ü.md");
    expect((await get(`${base}/files/${url}`)).json()).toMatchObject({ path: "docs/my notes ü.md", content: "ü\n", size: 3 });
    const paths = (await get(`${base}/files?path=docs`)).json().entries.map((e: { path: string }) => e.path);
    expect(paths).toEqual(["docs/my notes ü.md"]);
  });

  it("returns binary files as base64", async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    expect((await put("logo.png", { content: bytes.toString("base64"), encoding: "base64" })).statusCode).toBe(200);
    const file = (await get(`${base}/files/logo.png`)).json();
    expect(file).toMatchObject({ encoding: "base64", size: 6 });
    expect(Buffer.from(file.content, "base64").equals(bytes)).toBe(true);
  });

  it("reads and lists at an older ref, and diffs two checkpoints with stats", async () => {
    const first = (await put("src/main.ts", { content: "export const answer = 1;\n" })).json().sha;
    const second = (await put("src/main.ts", { content: "export const answer = 42;\n" })).json().sha;
    const old = (await get(`${base}/files/src/main.ts?ref=${first}`)).json();
    expect(old).toMatchObject({ ref: first, content: "export const answer = 1;\n" });
    const oldTree = (await get(`${base}/files?ref=${first.slice(0, 10)}&path=src`)).json();
    expect(oldTree).toMatchObject({ ref: first, entries: [{ path: "src/main.ts", type: "file", size: 25 }] });

    const diff = await get(`${base}/diff?from=${first}&to=${second}`);
    expect(diff.statusCode).toBe(200);
    expect(diff.json().diff).toContain("-export const answer = 1;\n+export const answer = 42;");
    expect(diff.json()).toMatchObject({ from: first, to: second, truncated: false });
    expect(diff.json().files).toEqual([{ path: "src/main.ts", oldPath: null, additions: 1, deletions: 1, binary: false }]);
    expect((await get(`${base}/diff?from=${first}`)).json().to).toBe(second);
  });

  it("restores an old checkpoint as a new commit and keeps the newer one", async () => {
    const items = (await get(`${base}/checkpoints`)).json().items;
    const newest = items[0].sha;
    const older = items[1].sha;
    const restored = await t.app.inject({ method: "POST", url: `${base}/checkpoints/${older}/restore`, headers: alice });
    expect(restored.statusCode).toBe(200);
    expect(restored.json().restoredFrom).toBe(older);
    const after = (await get(`${base}/checkpoints`)).json().items;
    expect(after[0]).toMatchObject({ sha: restored.json().sha, step: "restore" });
    expect(after.map((c: { sha: string }) => c.sha)).toContain(newest);
    expect((await get(`${base}/files/src/main.ts`)).json().content).toBe("export const answer = 1;\n");
    expect((await get(`${base}/files/src/main.ts?ref=${newest}`)).json().content).toBe("export const answer = 42;\n");
  });

  it("exports a ZIP of the tree without .git or node_modules", async () => {
    const workTree = t.runtime.services.workspaces.dirOf(projectId);
    execFileSync("mkdir", ["-p", join(workTree, "node_modules/left-pad")]);
    writeFileSync(join(workTree, "node_modules/left-pad/index.js"), "module.exports = 1;\n");
    await put("package.json", { content: '{ "name": "notes-app" }\n' });

    const response = await get(`${base}/export.zip`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/zip");
    expect(response.headers["content-disposition"]).toMatch(/^attachment; filename="Notes-app-[0-9a-f]{12}\.zip"$/);
    const zipPath = join(scratch, `${kind}.zip`);
    writeFileSync(zipPath, response.rawPayload);
    execFileSync("unzip", ["-tq", zipPath]);
    const names = execFileSync("zipinfo", ["-1", zipPath]).toString().trim().split("\n").sort();
    expect(names).toEqual(["docs/my notes ü.md", "logo.png", "notes.md", "package.json", "src/main.ts"]);
    expect(execFileSync("unzip", ["-p", zipPath, "src/main.ts"]).toString()).toBe("export const answer = 1;\n");

    const first = (await get(`${base}/checkpoints?limit=500`)).json().items.at(-1).sha;
    const empty = await get(`${base}/export.zip?ref=${first}`);
    expect(empty.statusCode).toBe(200);
    // The initial commit is empty: the archive is only the end-of-central-directory record.
    expect(empty.rawPayload.subarray(0, 4).toString("latin1")).toBe("PK\x05\x06");
    expect(empty.rawPayload.length).toBe(22);
  });

  it("refuses paths that leave the project: .., absolute, .git and a symlink to /", async () => {
    symlinkSync("/", join(t.runtime.services.workspaces.dirOf(projectId), "escape"));
    for (const path of ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", ".git/config", "escape/etc/passwd", "src/%00x"]) {
      const read = await get(`${base}/files/${path}`);
      expect(read.statusCode, path).toBe(400);
      expect(read.json().error.code).toBe("path_not_allowed");
      const written = await put(path, { content: "pwned" });
      expect(written.statusCode, path).toBe(400);
    }
    const listing = await get(`${base}/files?path=escape`);
    expect(listing.json().error.code).toBe("path_not_allowed");
    const all = (await get(`${base}/files`)).json().entries.map((e: { path: string }) => e.path);
    expect(all.filter((p: string) => p.startsWith("escape/"))).toEqual([]);
  });

  it("validates refs strictly and never passes them to git as options", async () => {
    for (const ref of ["--output=%2Ftmp%2Fx", "HEAD~1", "main..HEAD", "a%20b"]) {
      const response = await get(`${base}/files?ref=${ref}`);
      expect(response.statusCode, ref).toBe(422);
    }
    expect((await get(`${base}/files?ref=0123456789abcdef`)).statusCode).toBe(404);
    const restore = await t.app.inject({ method: "POST", url: `${base}/checkpoints/--hard/restore`, headers: alice });
    expect(restore.statusCode).toBe(422);
  });

  it("hides another user's project behind 404 on every workspace route", async () => {
    const urls = [`${base}/files`, `${base}/files/src/main.ts`, `${base}/checkpoints`, `${base}/diff?from=HEAD`, `${base}/export.zip`];
    for (const url of urls) {
      const response = await get(url, bob);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    expect((await put("src/main.ts", { content: "mine" }, bob)).statusCode).toBe(404);
    const sha = (await get(`${base}/checkpoints`)).json().items[0].sha;
    expect((await t.app.inject({ method: "POST", url: `${base}/checkpoints/${sha}/restore`, headers: bob })).statusCode).toBe(404);
    expect((await get(`${base}/files/src/main.ts`)).json().content).toBe("export const answer = 1;\n");
  });

  it("lists the starter templates", async () => {
    const ids = (await get("/api/v1/templates")).json().items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining(["node-api", "react-vite-spa"]));
  });

  it("removes the workspace when the project is deleted", async () => {
    const created = await t.app.inject({ method: "POST", url: "/api/v1/projects", headers: alice, payload: { name: "Short-lived" } });
    const id = created.json().project.id;
    expect(
      (await t.app.inject({ method: "PUT", url: `/api/v1/projects/${id}/files/a.txt`, headers: alice, payload: { content: "a" } }))
        .statusCode,
    ).toBe(200);
    expect(await t.runtime.services.workspaces.exists(id)).toBe(true);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/projects/${id}`, headers: alice })).statusCode).toBe(204);
    expect(await t.runtime.services.workspaces.exists(id)).toBe(false);
  });
});
