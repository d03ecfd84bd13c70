// Owns the in-sandbox bridge (plain CommonJS: it runs under the sandbox's node, without tsx).
// It optionally forwards a loopback TCP port to a unix socket (registry proxy) and exposes the app's
// loopback port as a unix socket (preview), then runs the command and mirrors its exit status.
"use strict";
const net = require("node:net");
const fs = require("node:fs");
const { spawn } = require("node:child_process");

const spec = JSON.parse(process.argv[2] || "{}");

function pipeBoth(a, b) {
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

function listen(server, target) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(target, () => resolve());
  });
}

function reportReady() {
  try {
    fs.writeSync(3, "ready\n");
  } catch {
    // No control pipe: nobody is waiting.
  }
}

function watchPort(port) {
  const probe = () => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      reportReady();
    });
    socket.once("error", () => {
      socket.destroy();
      setTimeout(probe, 100);
    });
  };
  probe();
}

async function main() {
  const servers = [];
  if (spec.forwardTcp) {
    const server = net.createServer((client) => pipeBoth(client, net.connect(spec.forwardTcp.socket)));
    await listen(server, { host: "127.0.0.1", port: spec.forwardTcp.port });
    servers.push(server);
  }
  if (spec.expose) {
    try {
      fs.unlinkSync(spec.expose.socket);
    } catch {}
    const server = net.createServer((client) => pipeBoth(client, net.connect({ host: "127.0.0.1", port: spec.expose.port })));
    await listen(server, spec.expose.socket);
    servers.push(server);
    watchPort(spec.expose.port);
  }
  const child = spawn("/bin/sh", ["-c", spec.command], { stdio: "inherit", env: process.env });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    for (const server of servers) server.close();
    if (signal) process.exit(128 + (require("node:os").constants.signals[signal] || 0));
    process.exit(code === null ? 1 : code);
  });
}

main().catch((error) => {
  process.stderr.write(`sandbox helper: ${error?.message}\n`);
  process.exit(125);
});
