// Owns choosing and configuring the sandbox adapter from the platform's configuration.
import { join } from "node:path";
import type { Config } from "../config/index";
import { createBwrapSandbox, type ManagedSandbox, type SandboxRunEvent } from "./bwrap-sandbox";
import { createHostSandbox } from "./host-sandbox";

export function createSandbox(
  config: Pick<Config, "sandbox" | "sandboxSettings" | "dataDir">,
  observe?: (event: SandboxRunEvent) => void,
): ManagedSandbox {
  const settings = config.sandboxSettings;
  const options = {
    stateDir: join(config.dataDir, "sandbox"),
    limits: {
      cpuSeconds: settings.cpuSeconds,
      memoryBytes: settings.memoryBytes,
      processes: settings.processes,
      openFiles: settings.openFiles,
      outputBytes: settings.outputBytes,
      wallClockMs: settings.wallClockMs,
    },
    registryHosts: settings.registryHosts,
    maxConcurrentPerOwner: settings.maxConcurrentPerUser,
    diskQuotaBytes: settings.projectDiskBytes,
    ...(observe ? { observe } : {}),
  };
  return config.sandbox === "unsafe-host" ? createHostSandbox(options) : createBwrapSandbox(options);
}
