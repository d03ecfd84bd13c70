// Owns the Prometheus metrics of the sandbox and previews, registered on the process registry.
import type { SandboxRunEvent } from "@samokoder/core";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function createSandboxMetrics(registry: Registry) {
  const commands = new Counter({
    name: "samokoder_sandbox_commands_total",
    help: "Sandboxed commands by adapter, mode (exec/spawn), outcome (ok, error, refused) and the limit that stopped them",
    labelNames: ["adapter", "mode", "outcome", "limit"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "samokoder_sandbox_command_duration_seconds",
    help: "Wall-clock duration of sandboxed commands",
    labelNames: ["adapter", "mode"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  return {
    observe(event: SandboxRunEvent): void {
      commands.inc({ adapter: event.adapter, mode: event.mode, outcome: event.outcome, limit: event.limitHit ?? "none" });
      if (event.outcome !== "refused") duration.observe({ adapter: event.adapter, mode: event.mode }, event.durationMs / 1000);
    },
    /** Gauges read at scrape time from the live services. */
    watch(sources: { sandboxesRunning: () => number; previewsRunning: () => number }): void {
      new Gauge({
        name: "samokoder_sandbox_running",
        help: "Sandboxed commands running now",
        registers: [registry],
        collect() {
          this.set(sources.sandboxesRunning());
        },
      });
      new Gauge({
        name: "samokoder_previews_running",
        help: "Live previews running now",
        registers: [registry],
        collect() {
          this.set(sources.previewsRunning());
        },
      });
    },
  };
}
