// Owns the bubblewrap command line: which host paths the sandbox sees, and how.
import { existsSync } from "node:fs";
import { dirname } from "node:path";

export const PROJECT_MOUNT = "/project";
export const HELPER_MOUNT = "/opt/samokoder/helper.cjs";
export const REGISTRY_SOCKET_MOUNT = "/run/samokoder-registry/proxy.sock";
export const EXPOSE_MOUNT = "/run/samokoder-expose";
export const SANDBOX_UID = 1000;
export const CA_CERTS_DIR = "/etc/ssl/certs";
export const CA_BUNDLE = `${CA_CERTS_DIR}/ca-certificates.crt`;

export interface BwrapLayout {
  projectDir: string;
  /** Path inside the project to start in ("" for the root). */
  cwd: string;
  /** Host files generated once: passwd, group, hosts. */
  etcDir: string;
  helperPath: string;
  env: Record<string, string>;
  /** Host directory holding the registry proxy's socket (only for installs). */
  registrySocketDir?: string | undefined;
  /** Host directory where the app's port is exposed as a unix socket (previews). */
  exposeDir?: string | undefined;
  runningAsRoot: boolean;
}

/** The Node toolchain's install prefix, when it is not already under /usr. */
export function nodePrefix(execPath = process.execPath): string | null {
  const prefix = dirname(dirname(execPath));
  return prefix === "/usr" || prefix.startsWith("/usr/") ? null : prefix;
}

export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const [link, target] of [
    ["/bin", "usr/bin"],
    ["/sbin", "usr/sbin"],
    ["/lib", "usr/lib"],
    ["/lib64", "usr/lib64"],
    ["/lib32", "usr/lib32"],
  ] as const) {
    if (existsSync(link)) args.push("--symlink", target, link);
  }
  const prefix = nodePrefix();
  if (prefix) args.push("--ro-bind", prefix, prefix);
  for (const name of ["passwd", "group", "hosts"]) args.push("--ro-bind", `${layout.etcDir}/${name}`, `/etc/${name}`);
  // Public CA certificates only (never /etc/ssl/private): installs behind a TLS-inspecting proxy need the operator's CA.
  if (existsSync(CA_CERTS_DIR)) args.push("--ro-bind", CA_CERTS_DIR, CA_CERTS_DIR);
  args.push("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp");
  args.push("--bind", layout.projectDir, PROJECT_MOUNT);
  args.push("--ro-bind", layout.helperPath, HELPER_MOUNT);
  if (layout.registrySocketDir) args.push("--ro-bind", layout.registrySocketDir, dirname(REGISTRY_SOCKET_MOUNT));
  if (layout.exposeDir) args.push("--bind", layout.exposeDir, EXPOSE_MOUNT);
  args.push("--chdir", layout.cwd ? `${PROJECT_MOUNT}/${layout.cwd}` : PROJECT_MOUNT);
  // Every namespace, network included: installs reach the registry only through the proxy socket above.
  args.push("--unshare-all", "--unshare-user", "--disable-userns", "--hostname", "sandbox");
  args.push("--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID));
  if (layout.runningAsRoot) args.push("--cap-drop", "ALL");
  args.push("--die-with-parent", "--new-session", "--clearenv");
  for (const [key, value] of Object.entries(layout.env)) args.push("--setenv", key, value);
  return args;
}

export const ETC_FILES: Record<string, string> = {
  passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${SANDBOX_UID}:${SANDBOX_UID}:sandbox:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  group: `root:x:0:\nsandbox:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`,
  hosts: "127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost\n",
};
