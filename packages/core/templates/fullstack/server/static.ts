// Serves the built client (dist/client) with a fallback to index.html for client-side routes.
import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

export async function serveStatic(root: string, pathname: string, response: ServerResponse): Promise<boolean> {
  const requested = normalize(join(root, decodeURIComponent(pathname)));
  // Never serve anything outside the build directory.
  if (requested !== root && !requested.startsWith(root + sep)) return false;
  let file = requested;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) file = join(root, "index.html");
  const content = await readFile(file).catch(() => null);
  if (!content) return false;
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  response.end(content);
  return true;
}
