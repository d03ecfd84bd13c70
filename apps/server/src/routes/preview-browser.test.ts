// Cookie isolation in a real browser: the preview's scripts cannot read the platform's cookies or call its API as the user.
// One database kind is enough here: what is under test is the browser's origin model, not storage.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { cookiesFrom, databaseKinds, type SignedUpUser, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PAGE_SERVER = `
require("http").createServer((req, res) => {
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.end("<!doctype html><title>generated app</title><h1 id=app>hello from the generated app</h1>");
}).listen(process.env.PORT, "127.0.0.1");
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe.each(databaseKinds().slice(0, 1))("preview cookie isolation in Chromium (%s)", (kind) => {
  let testApp: TestApp;
  let owner: SignedUpUser;
  let browser: Browser;
  let port: number;
  let projectId: string;

  beforeAll(async () => {
    port = await freePort();
    testApp = await startTestApp(kind, { PORT: String(port) });
    await testApp.app.listen({ host: "127.0.0.1", port });
    owner = await signUpUser(testApp);
    const created = await testApp.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: owner.bearerHeaders,
      payload: { name: "page" },
    });
    projectId = (created.json() as { project: { id: string } }).project.id;
    const dir = join(testApp.dataDir, "projects", projectId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "server.js"), PAGE_SERVER);
    const started = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/preview`,
      headers: owner.bearerHeaders,
    });
    expect((started.json() as { preview: { status: string } }).preview.status).toBe("running");
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp.close();
  });

  it("shows the app on its own origin while its scripts see none of the platform's cookies or API", async () => {
    const context = await browser.newContext();
    const session = cookiesFrom(owner.cookieHeaders.cookie?.split("; ").map((pair) => `${pair}; Path=/`));
    await context.addCookies([
      { name: "access_token", value: session.access_token ?? "", domain: "localhost", path: "/", httpOnly: true, sameSite: "Strict" },
      { name: "csrf_token", value: session.csrf_token ?? "", domain: "localhost", path: "/", sameSite: "Strict" },
    ]);
    const page = await context.newPage();
    // allHeaders() resolves later than the request event: keep the promises and await them before asserting.
    const apiRequestHeaders: Array<Promise<Record<string, string>>> = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/")) apiRequestHeaders.push(request.allHeaders());
    });

    await page.goto(`http://localhost:${port}/preview/${projectId}/`);
    expect(new URL(page.url()).host).toBe(`${projectId}.preview.localhost:${port}`);
    expect(await page.textContent("#app")).toBe("hello from the generated app");

    const seen = await page.evaluate(async (platform) => {
      let apiResult = "no response";
      try {
        const response = await fetch(`${platform}/api/v1/auth/me`, { credentials: "include" });
        apiResult = `status ${response.status}: ${await response.text()}`;
      } catch (error) {
        apiResult = `blocked: ${String(error)}`;
      }
      await fetch(`${platform}/api/v1/projects`, { method: "POST", mode: "no-cors", credentials: "include", body: "x" }).catch(() => {});
      const { document } = globalThis as unknown as { document: { cookie: string } };
      return { cookies: document.cookie, apiResult };
    }, `http://localhost:${port}`);

    expect(seen.cookies).not.toContain("access_token");
    expect(seen.cookies).not.toContain("csrf_token");
    expect(seen.cookies).not.toContain("samokoder_preview");
    expect(seen.apiResult).toMatch(/^blocked/);
    const apiRequests = await Promise.all(apiRequestHeaders);
    expect(apiRequests.length).toBeGreaterThan(0);
    for (const headers of apiRequests) expect(headers.cookie ?? "").not.toContain("access_token");
    await context.close();
  });
});
