// Live previews through the real app: a real Node server in the real sandbox, reached only by its owner.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { cookiesFrom, databaseKinds, type SignedUpUser, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The app echoes what reached it, sets its own cookie, and answers one WebSocket frame.
const SERVER_JS = `
const http = require("http");
const crypto = require("crypto");
const server = http.createServer((req, res) => {
  res.setHeader("set-cookie", "app_cookie=from-app; Path=/");
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ path: req.url, method: req.method, cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ?? null, csrf: req.headers["x-csrf-token"] ?? null }));
});
server.on("upgrade", (req, socket) => {
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  socket.once("data", (frame) => {
    const length = frame[1] & 0x7f;
    const mask = frame.subarray(2, 6);
    const payload = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]));
    socket.end(Buffer.concat([Buffer.from([0x81, payload.length + 5]), Buffer.from("echo:"), payload]));
  });
});
server.listen(process.env.PORT, "127.0.0.1", () => console.log("listening on " + process.env.PORT));
`;

describe.each(databaseKinds())("previews on %s", (kind) => {
  let testApp: TestApp;
  let owner: SignedUpUser;
  let stranger: SignedUpUser;
  let projectId: string;
  let previewHost: string;

  const createProject = async (user: SignedUpUser, name: string) => {
    const response = await testApp.app.inject({ method: "POST", url: "/api/v1/projects", headers: user.bearerHeaders, payload: { name } });
    const id = (response.json() as { project: { id: string } }).project.id;
    mkdirSync(join(testApp.dataDir, "projects", id), { recursive: true });
    return id;
  };

  beforeAll(async () => {
    testApp = await startTestApp(kind, { SAMOKODER_PREVIEW_MAX_PER_USER: "1", PORT: "8123" });
    owner = await signUpUser(testApp);
    stranger = await signUpUser(testApp);
    projectId = await createProject(owner, "previewed");
    writeFileSync(join(testApp.dataDir, "projects", projectId, "server.js"), SERVER_JS);
    previewHost = `${projectId}.preview.localhost:8123`;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it("starts the app on a platform-chosen port and reports URL, uptime and output", async () => {
    const started = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: owner.bearerHeaders,
    });
    expect(started.statusCode).toBe(200);
    const { preview } = started.json() as { preview: Record<string, unknown> };
    expect(preview.status).toBe("running");
    expect(preview.url).toBe(`http://localhost:8123/preview/${projectId}/`);
    expect(preview.origin).toBe(`http://${previewHost}`);
    const status = await testApp.app.inject({ method: "GET", url: `/api/v1/projects/${projectId}/preview`, headers: owner.cookieHeaders });
    const body = (status.json() as { preview: { uptimeSeconds: number; lastOutput: string[]; status: string } }).preview;
    expect(body.status).toBe("running");
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.lastOutput.some((line) => line.startsWith("listening on "))).toBe(true);
    expect(Number(body.lastOutput.find((l) => l.startsWith("listening on "))?.slice(13))).not.toBe(3001);
  });

  it("proxies for the owner's API token without passing the platform's credentials to the app", async () => {
    const response = await testApp.app.inject({
      method: "GET",
      url: `/preview/${projectId}/hello?x=1`,
      headers: { ...owner.bearerHeaders, cookie: owner.cookieHeaders.cookie ?? "" },
    });
    expect(response.statusCode).toBe(200);
    const seen = response.json() as { path: string; cookie: string | null; authorization: string | null };
    expect(seen.path).toBe("/hello?x=1");
    expect(seen.authorization).toBeNull();
    expect(seen.cookie).toBeNull();
    expect(response.headers["content-security-policy"]).toContain("sandbox");
    expect(response.headers["set-cookie"]).toBeUndefined();
  });

  it("answers 404 to other users and anonymous callers, on the platform and on the preview origin", async () => {
    for (const headers of [stranger.bearerHeaders, stranger.cookieHeaders, {}]) {
      const response = await testApp.app.inject({ method: "GET", url: `/preview/${projectId}/`, headers });
      expect(response.statusCode).toBe(404);
    }
    const direct = await testApp.app.inject({ method: "GET", url: "/", headers: { host: previewHost } });
    expect(direct.statusCode).toBe(404);
    const status = await testApp.app.inject({
      method: "GET",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: stranger.bearerHeaders,
    });
    expect(status.statusCode).toBe(404);
    const stop = await testApp.app.inject({
      method: "DELETE",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: stranger.cookieHeaders,
    });
    expect(stop.statusCode).toBe(404);
  });

  it("hands a browser session over to the preview origin, whose cookie is separate from the platform's", async () => {
    const entry = await testApp.app.inject({ method: "GET", url: `/preview/${projectId}/page?a=b`, headers: owner.cookieHeaders });
    expect(entry.statusCode).toBe(302);
    const location = new URL(entry.headers.location as string);
    expect(location.host).toBe(previewHost);
    expect(location.pathname).toBe("/__samokoder/handoff");
    // A different site from the platform's host: its host-only, SameSite=Strict cookies are never sent there.
    expect(location.hostname.endsWith(".preview.localhost")).toBe(true);

    const handoff = await testApp.app.inject({
      method: "GET",
      url: `${location.pathname}${location.search}`,
      headers: { host: previewHost },
    });
    expect(handoff.statusCode).toBe(302);
    expect(handoff.headers.location).toBe("/page?a=b");
    const setCookie = String(handoff.headers["set-cookie"]);
    expect(setCookie).toMatch(/^samokoder_preview=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).not.toMatch(/Domain=/i);
    const previewCookie = cookiesFrom(handoff.headers["set-cookie"]).samokoder_preview ?? "";

    // Even if a browser sent the platform's cookies along, the app sees only its own.
    const page = await testApp.app.inject({
      method: "GET",
      url: "/page?a=b",
      headers: {
        host: previewHost,
        cookie: `samokoder_preview=${previewCookie}; ${owner.cookieHeaders.cookie}; app_cookie=mine`,
        "x-csrf-token": owner.cookieHeaders["x-csrf-token"] ?? "",
      },
    });
    expect(page.statusCode).toBe(200);
    const seen = page.json() as { path: string; cookie: string | null; csrf: string | null };
    expect(seen.path).toBe("/page?a=b");
    expect(seen.cookie).toBe("app_cookie=mine");
    expect(seen.csrf).toBeNull();
    expect(String(page.headers["set-cookie"])).toContain("app_cookie=from-app");

    // The hand-off token works once; a preview cookie for one project opens no other.
    const replay = await testApp.app.inject({
      method: "GET",
      url: `${location.pathname}${location.search}`,
      headers: { host: previewHost },
    });
    expect(replay.statusCode).toBe(404);
    const otherHost = `${randomUuid()}.preview.localhost:8123`;
    const elsewhere = await testApp.app.inject({
      method: "GET",
      url: "/",
      headers: { host: otherHost, cookie: `samokoder_preview=${previewCookie}` },
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it("carries WebSocket upgrades (hot reload) through the preview origin", async () => {
    const address = await testApp.app.listen({ host: "127.0.0.1", port: 0 });
    const port = Number(new URL(address).port);
    const entry = await testApp.app.inject({ method: "GET", url: `/preview/${projectId}/`, headers: owner.cookieHeaders });
    const location = new URL(entry.headers.location as string);
    const handoff = await testApp.app.inject({
      method: "GET",
      url: `${location.pathname}${location.search}`,
      headers: { host: previewHost },
    });
    const previewCookie = cookiesFrom(handoff.headers["set-cookie"]).samokoder_preview ?? "";
    const key = randomBytes(16).toString("base64");
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `GET /hmr HTTP/1.1\r\nHost: ${previewHost}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nCookie: samokoder_preview=${previewCookie}\r\n\r\n`,
        );
      });
      let received = Buffer.alloc(0);
      let upgraded = false;
      socket.on("data", (chunk) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (!upgraded && end >= 0) {
          upgraded = true;
          const mask = randomBytes(4);
          const payload = Buffer.from("hi");
          socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ (mask[i % 4] ?? 0))]));
        }
      });
      socket.on("end", () => resolve(received));
      socket.on("error", reject);
    });
    const text = reply.toString("latin1");
    expect(text).toMatch(/^HTTP\/1.1 101/);
    const expectedAccept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    expect(text).toContain(`Sec-WebSocket-Accept: ${expectedAccept}`);
    expect(text).toContain("echo:hi");

    // Upgrades without a valid preview session, or for the platform's own host, are refused.
    for (const headers of [`Host: ${previewHost}`, `Host: 127.0.0.1:${port}`]) {
      const refused = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(
            `GET /hmr HTTP/1.1\r\n${headers}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          );
        });
        let received = "";
        socket.on("data", (chunk) => {
          received += chunk.toString("latin1");
        });
        socket.on("end", () => resolve(received));
        socket.on("error", reject);
      });
      expect(refused).toMatch(/^HTTP\/1.1 404/);
    }
  });

  it("limits concurrent previews per user and reports a crashed app with its last output", async () => {
    const second = await createProject(owner, "crashing");
    writeFileSync(join(testApp.dataDir, "projects", second, "server.js"), 'console.log("about to fail"); process.exit(3);');
    const refused = await testApp.app.inject({ method: "POST", url: `/api/v1/projects/${second}/preview`, headers: owner.bearerHeaders });
    expect(refused.statusCode).toBe(402);
    expect((refused.json() as { error: { code: string } }).error.code).toBe("quota_exceeded");

    const stopped = await testApp.app.inject({
      method: "DELETE",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: owner.bearerHeaders,
    });
    expect((stopped.json() as { preview: { status: string } }).preview.status).toBe("stopped");
    const gone = await testApp.app.inject({ method: "GET", url: `/preview/${projectId}/`, headers: owner.bearerHeaders });
    expect(gone.statusCode).toBe(404);

    const crashed = await testApp.app.inject({ method: "POST", url: `/api/v1/projects/${second}/preview`, headers: owner.bearerHeaders });
    const preview = (crashed.json() as { preview: { status: string; exitCode: number; lastOutput: string[] } }).preview;
    expect(preview.status).toBe("crashed");
    expect(preview.exitCode).toBe(3);
    expect(preview.lastOutput).toContain("about to fail");
  });

  it("keeps the platform's file API inside the project when generated code plants a symlink to /", async () => {
    const planted = await createProject(owner, "planted");
    const dir = join(testApp.dataDir, "projects", planted);
    const result = await testApp.runtime.services.sandbox.exec({
      projectDir: dir,
      command: "ln -s / escape && ln -s /etc/passwd passwd-link",
    });
    expect(result.exitCode).toBe(0);
    for (const path of ["escape/etc/passwd", "passwd-link", "escape/etc/shadow"]) {
      const read = await testApp.app.inject({
        method: "GET",
        url: `/api/v1/projects/${planted}/files/${path}`,
        headers: owner.bearerHeaders,
      });
      expect(read.statusCode).toBeGreaterThanOrEqual(400);
      expect(read.body).not.toContain("root:x:0:0");
    }
    const write = await testApp.app.inject({
      method: "PUT",
      url: `/api/v1/projects/${planted}/files/escape/tmp/samokoder-escaped.txt`,
      headers: owner.bearerHeaders,
      payload: { content: "escaped" },
    });
    expect(write.statusCode).toBeGreaterThanOrEqual(400);
    expect(existsSync("/tmp/samokoder-escaped.txt")).toBe(false);
  });

  it("exports sandbox and preview metrics", async () => {
    const metrics = await testApp.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/samokoder_sandbox_commands_total\{adapter="bwrap",mode="spawn",outcome="error",limit="none"\} [1-9]/);
    expect(metrics.body).toMatch(/samokoder_sandbox_commands_total\{adapter="bwrap",mode="exec",outcome="ok",limit="none"\} [1-9]/);
    expect(metrics.body).toContain("samokoder_sandbox_command_duration_seconds_bucket");
    expect(metrics.body).toMatch(/samokoder_previews_running \d/);
    expect(metrics.body).toMatch(/samokoder_sandbox_running \d/);
  });

  it("stops a project's preview when the project is deleted", async () => {
    const started = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: owner.bearerHeaders,
    });
    expect((started.json() as { preview: { status: string } }).preview.status).toBe("running");
    const deleted = await testApp.app.inject({ method: "DELETE", url: `/api/v1/projects/${projectId}`, headers: owner.bearerHeaders });
    expect(deleted.statusCode).toBe(204);
    expect(testApp.runtime.services.processes.list(projectId)).toEqual([]);
  });
});

function randomUuid(): string {
  return "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
}
