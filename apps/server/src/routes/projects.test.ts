import { databaseKinds, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Headers = Record<string, string>;

describe.each(databaseKinds())("projects on %s", (kind) => {
  let t: TestApp;
  let alice: Headers;
  let bob: Headers;
  let carol: Headers;

  const create = (headers: Headers, body: unknown) =>
    t.app.inject({ method: "POST", url: "/api/v1/projects", headers, payload: body as object });

  beforeAll(async () => {
    t = await startTestApp(kind, { PROJECT_QUOTA_FREE: "3", PROJECT_QUOTA_PRO: "50" });
    alice = (await signUpUser(t)).bearerHeaders;
    bob = (await signUpUser(t)).bearerHeaders;
    carol = (await signUpUser(t)).cookieHeaders;
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates, reads, updates and deletes a project", async () => {
    const created = await create(alice, { name: "  Habit tracker  ", description: "Track daily habits" });
    expect(created.statusCode).toBe(201);
    const project = created.json().project;
    expect(project).toMatchObject({ name: "Habit tracker", description: "Track daily habits", status: "draft" });
    expect(project.createdAt).toMatch(/Z$/);

    const read = await t.app.inject({ method: "GET", url: `/api/v1/projects/${project.id}`, headers: alice });
    expect(read.json().project.id).toBe(project.id);

    const patched = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/projects/${project.id}`,
      headers: alice,
      payload: { name: "Habits" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().project).toMatchObject({ name: "Habits", description: "Track daily habits" });

    const deleted = await t.app.inject({ method: "DELETE", url: `/api/v1/projects/${project.id}`, headers: alice });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");
    const gone = await t.app.inject({ method: "GET", url: `/api/v1/projects/${project.id}`, headers: alice });
    expect(gone.statusCode).toBe(404);
  });

  it("hides another user's project behind 404 for every verb, never 403", async () => {
    const project = (await create(bob, { name: "Bob's secret" })).json().project;
    for (const [method, payload] of [
      ["GET", undefined],
      ["PATCH", { name: "mine now" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await t.app.inject({ method, url: `/api/v1/projects/${project.id}`, headers: alice, ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    const list = await t.app.inject({ method: "GET", url: "/api/v1/projects?limit=100", headers: alice });
    expect(list.json().items.map((p: { id: string }) => p.id)).not.toContain(project.id);
    const still = await t.app.inject({ method: "GET", url: `/api/v1/projects/${project.id}`, headers: bob });
    expect(still.json().project.name).toBe("Bob's secret");
    await t.app.inject({ method: "DELETE", url: `/api/v1/projects/${project.id}`, headers: bob });
  });

  it("answers 404 for ids that are not UUIDs instead of a database error", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/projects/not-a-uuid'; DROP TABLE projects;--", headers: alice });
    expect(res.statusCode).toBe(404);
  });

  it("enforces the tier quota with 402 quota_exceeded, showing used and limit", async () => {
    for (let i = 0; i < 3; i++) expect((await create(carol, { name: `Project ${i}` })).statusCode).toBe(201);
    const over = await create(carol, { name: "One too many" });
    expect(over.statusCode).toBe(402);
    expect(over.json().error).toMatchObject({ code: "quota_exceeded", details: { used: 3, limit: 3, tier: "free" } });
  });

  it("cannot overrun the quota with concurrent creations", async () => {
    const dave = (await signUpUser(t)).bearerHeaders;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create(dave, { name: `Race ${i}` })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 402)).toHaveLength(5);
  });

  it("lists newest first with cursor pagination, search and status filter", async () => {
    const erin = (await signUpUser(t)).bearerHeaders;
    const names = ["Flower shop", "Calorie counter", "Flower delivery"];
    for (const name of names) await create(erin, { name, description: `${name} app` });
    const first = await t.app.inject({ method: "GET", url: "/api/v1/projects?limit=2", headers: erin });
    expect(first.json().items.map((p: { name: string }) => p.name)).toEqual(["Flower delivery", "Calorie counter"]);
    const cursor = first.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await t.app.inject({ method: "GET", url: `/api/v1/projects?limit=2&cursor=${cursor}`, headers: erin });
    expect(second.json()).toMatchObject({ items: [{ name: "Flower shop" }], nextCursor: null });

    const search = await t.app.inject({ method: "GET", url: "/api/v1/projects?q=FLOWER", headers: erin });
    expect(
      search
        .json()
        .items.map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(["Flower delivery", "Flower shop"]);
    const wildcard = await t.app.inject({ method: "GET", url: "/api/v1/projects?q=%25", headers: erin });
    expect(wildcard.json().items).toEqual([]);

    const id = search.json().items[0].id;
    await t.app.inject({ method: "PATCH", url: `/api/v1/projects/${id}`, headers: erin, payload: { status: "ready" } });
    const ready = await t.app.inject({ method: "GET", url: "/api/v1/projects?status=ready", headers: erin });
    expect(ready.json().items.map((p: { id: string }) => p.id)).toEqual([id]);

    const badCursor = await t.app.inject({ method: "GET", url: "/api/v1/projects?cursor=garbage", headers: erin });
    expect(badCursor.statusCode).toBe(400);
  });

  it("rejects invalid input with 422 and a field list", async () => {
    const cases: unknown[] = [
      {},
      { name: "" },
      { name: "   " },
      { name: 42 },
      { name: "x".repeat(101) },
      { name: "ok", description: ["not", "text"] },
    ];
    for (const body of cases) {
      const res = await create(alice, body);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe("validation_failed");
      expect(res.json().error.details.fields[0].field).toMatch(/^body/);
    }
    const emptyPatch = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/projects/00000000-0000-4000-8000-000000000000",
      headers: alice,
      payload: {},
    });
    expect(emptyPatch.statusCode).toBe(422);
    const badLimit = await t.app.inject({ method: "GET", url: "/api/v1/projects?limit=1000", headers: alice });
    expect(badLimit.statusCode).toBe(422);
  });

  it("stores SQL and script payloads inertly and returns them unchanged", async () => {
    const name = `<script>alert('x')</script>' OR 1=1; DROP TABLE users;--`;
    const res = await create(bob, { name, description: "Robert'); DROP TABLE projects;--" });
    expect(res.statusCode).toBe(201);
    const read = await t.app.inject({ method: "GET", url: `/api/v1/projects/${res.json().project.id}`, headers: bob });
    expect(read.json().project.name).toBe(name);
    expect(read.headers["content-type"]).toContain("application/json");
  });

  it("works with cookie authentication and CSRF for browsers", async () => {
    const user = await signUpUser(t);
    const withCsrf = await create(user.cookieHeaders, { name: "Browser project" });
    expect(withCsrf.statusCode).toBe(201);
    const { "x-csrf-token": _dropped, ...withoutCsrf } = user.cookieHeaders;
    const forged = await create(withoutCsrf, { name: "Forged" });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe("csrf_failed");
  });
});
