// A real Vite dev server as a preview: installed from the registry inside the sandbox, started on the platform's
// port, reached through the preview origin, hot-reload WebSocket included.
// One database kind is enough: what is under test is the dev server behind the proxy, not storage.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { cookiesFrom, databaseKinds, type SignedUpUser, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const VITE_VERSION = "8.3.8";

describe.each(databaseKinds().slice(0, 1))("Vite dev server as a preview (%s)", (kind) => {
  let testApp: TestApp;
  let owner: SignedUpUser;
  let projectId: string;
  let host: string;
  let previewCookie: string;

  beforeAll(async () => {
    testApp = await startTestApp(kind, { PORT: "8124" });
    owner = await signUpUser(testApp);
    const created = await testApp.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: owner.bearerHeaders,
      payload: { name: "vite" },
    });
    projectId = (created.json() as { project: { id: string } }).project.id;
    const dir = join(testApp.dataDir, "projects", projectId);
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "vite-preview",
        private: true,
        type: "module",
        scripts: { dev: "vite" },
        devDependencies: { vite: VITE_VERSION },
      }),
    );
    writeFileSync(
      join(dir, "index.html"),
      '<!doctype html><div id="app">vite preview</div><script type="module" src="/src/main.js"></script>',
    );
    writeFileSync(join(dir, "src", "main.js"), 'document.getElementById("app").textContent = "rendered by vite";\n');
    const install = await testApp.runtime.services.sandbox.exec({
      projectDir: dir,
      command: "npm install --no-audit --no-fund --no-update-notifier",
      network: "registry",
      limits: { wallClockMs: 240_000 },
    });
    if (install.exitCode !== 0) throw new Error(`npm install failed: ${install.stderr.slice(-2000)}`);
    host = `${projectId}.preview.localhost:8124`;
  }, 300_000);

  afterAll(async () => {
    await testApp.close();
  });

  it("starts with the platform's port and serves pages and modules through the preview origin", async () => {
    const started = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: owner.bearerHeaders,
    });
    const preview = (started.json() as { preview: { status: string; lastOutput: string[] } }).preview;
    expect(preview.lastOutput.join("\n")).toMatch(/VITE v\d/);
    expect(preview.status).toBe("running");

    const entry = await testApp.app.inject({ method: "GET", url: `/preview/${projectId}/`, headers: owner.cookieHeaders });
    const location = new URL(entry.headers.location as string);
    const handoff = await testApp.app.inject({ method: "GET", url: `${location.pathname}${location.search}`, headers: { host } });
    previewCookie = cookiesFrom(handoff.headers["set-cookie"]).samokoder_preview ?? "";
    const headers = { host, cookie: `samokoder_preview=${previewCookie}` };

    const page = await testApp.app.inject({ method: "GET", url: "/", headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("/@vite/client");
    expect(page.body).toContain("vite preview");
    const module = await testApp.app.inject({ method: "GET", url: "/src/main.js", headers });
    expect(module.statusCode).toBe(200);
    expect(module.body).toContain("rendered by vite");
  });

  it("carries Vite's hot-reload WebSocket through the proxy", async () => {
    const headers = { host, cookie: `samokoder_preview=${previewCookie}` };
    const client = await testApp.app.inject({ method: "GET", url: "/@vite/client", headers });
    expect(client.statusCode).toBe(200);
    const token = /wsToken\s*=\s*["']([^"']+)["']/.exec(client.body)?.[1] ?? "";
    const address = await testApp.app.listen({ host: "127.0.0.1", port: 0 });
    const port = Number(new URL(address).port);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `GET /?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: vite-hmr\r\n` +
            `Cookie: samokoder_preview=${previewCookie}\r\n\r\n`,
        );
      });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString("latin1");
        // Vite greets a new HMR client with {"type":"connected"} right after the handshake.
        if (received.includes('"connected"')) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on("error", reject);
      socket.on("end", () => resolve(received));
    });
    expect(response).toMatch(/^HTTP\/1.1 101/);
    expect(response).toContain('"connected"');
  });
});
