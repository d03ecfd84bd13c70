import { mkdtemp, rm } from "node:fs/promises";
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
  directory = await mkdtemp(join(tmpdir(), "api-test-"));
  const server = createApp(new JsonStore(join(directory, "db.json")));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await close();
  await rm(directory, { recursive: true, force: true });
});

describe("notes API", () => {
  it("answers the health check", async () => {
    const response = await fetch(`${base}/health`);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("creates, lists and deletes a note", async () => {
    const created = await fetch(`${base}/api/notes`, { method: "POST", body: JSON.stringify({ text: "hello" }) });
    expect(created.status).toBe(201);
    const note = (await created.json()) as { id: string; text: string };
    expect(note.text).toBe("hello");
    const listed = (await (await fetch(`${base}/api/notes`)).json()) as Array<{ id: string }>;
    expect(listed.map((n) => n.id)).toContain(note.id);
    expect((await fetch(`${base}/api/notes/${note.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${base}/api/notes/${note.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("rejects a note without text", async () => {
    const response = await fetch(`${base}/api/notes`, { method: "POST", body: JSON.stringify({}) });
    expect(response.status).toBe(422);
  });
});

describe("JsonStore", () => {
  it("persists records across instances", async () => {
    const file = join(directory, "persist.json");
    const first = new JsonStore(file);
    const record = await first.insert("items", { name: "kept" });
    const second = new JsonStore(file);
    expect(await second.get("items", record.id)).toEqual(record);
  });
});
