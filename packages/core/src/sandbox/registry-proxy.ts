// Owns the allow-listing CONNECT proxy that is the sandbox's only way out during dependency installs.
// It listens on a unix socket bound into the sandbox, allows CONNECT to the registry hosts on 443 only,
// resolves them itself and refuses private, loopback and link-local addresses (no DNS rebinding to the platform).
import { lookup } from "node:dns/promises";
import { rmSync } from "node:fs";
import { createServer, type Server, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import ipaddr from "ipaddr.js";

export interface RegistryProxy {
  socketPath: string;
  /** Hosts allowed, e.g. ["registry.npmjs.org"]. */
  hosts: string[];
  /** Number of CONNECT requests refused (for tests and metrics). */
  refused(): number;
  close(): Promise<void>;
}

/** Ranges that reach this machine or its local network: never a registry. */
const BLOCKED_RANGES = new Set([
  "unspecified",
  "broadcast",
  "multicast",
  "linkLocal",
  "loopback",
  "private",
  "uniqueLocal",
  "carrierGradeNat",
  "rfc6145",
  "rfc6052",
  "6to4",
  "teredo",
]);

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return !BLOCKED_RANGES.has(parsed.range());
}

function parseTarget(url: string | undefined): { host: string; port: number } | null {
  const match = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(url ?? "");
  if (!match?.[1] || !match[2]) return null;
  return { host: match[1].toLowerCase(), port: Number(match[2]) };
}

export async function startRegistryProxy(socketPath: string, hosts: string[]): Promise<RegistryProxy> {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  let refusedCount = 0;
  const refuse = (socket: Socket, status: string) => {
    refusedCount++;
    socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  };
  const server: Server = createServer((_request, response) => {
    refusedCount++;
    response.writeHead(405, { "content-type": "text/plain" }).end("only CONNECT to the package registry is allowed\n");
  });
  server.on("connect", async (request: IncomingMessage, client: Socket, head: Buffer) => {
    client.on("error", () => client.destroy());
    const target = parseTarget(request.url);
    if (target?.port !== 443 || !allowed.has(target.host)) return refuse(client, "403 Forbidden");
    let address: string;
    try {
      const resolved = await lookup(target.host, { all: true });
      const usable = resolved.find((entry) => isPublicAddress(entry.address));
      if (!usable || resolved.some((entry) => !isPublicAddress(entry.address))) return refuse(client, "403 Forbidden");
      address = usable.address;
    } catch {
      return refuse(client, "502 Bad Gateway");
    }
    const upstream = connect({ host: address, port: 443 });
    upstream.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      if (!client.writableEnded) client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
  });
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolvePromise());
  });
  return {
    socketPath,
    hosts: [...allowed],
    refused: () => refusedCount,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      rmSync(socketPath, { force: true });
    },
  };
}
