import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { JsonStore } from "./store.js";

let directory: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "fullstack-test-"));
  const clientDir = join(directory, "client");
  await mkdir(clientDir);
  await writeFile(join(clientDir, "index.html"), "<div id=\"root\"></div>");
  const server = createApp(new JsonStore(join(directory, "db.json")), { clientDir });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await close();
  await rm(directory, { recursive: true, force: true });
});

describe("server", () => {
  it("answers the health check", async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
  });

  it("stores notes", async () => {
    const created = await fetch(`${base}/api/notes`, { method: "POST", body: JSON.stringify({ text: "hello" }) });
    expect(created.status).toBe(201);
    const listed = (await (await fetch(`${base}/api/notes`)).json()) as Array<{ text: string }>;
    expect(listed.map((n) => n.text)).toEqual(["hello"]);
  });

  it("serves the client for app routes but not for unknown API routes", async () => {
    expect(await (await fetch(`${base}/some/page`)).text()).toContain('<div id="root">');
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
  });
});
