// Owns the engine's Prometheus metrics: steps by kind, the platform's own overhead per step, finished runs.
import type { EngineObserver } from "@samokoder/core";
import { Counter, Histogram, type Registry } from "prom-client";

export function createEngineMetrics(registry: Registry): EngineObserver {
  const steps = new Counter({
    name: "samokoder_run_steps_total",
    help: "Run steps committed, by kind",
    labelNames: ["kind"],
    registers: [registry],
  });
  const overhead = new Histogram({
    name: "samokoder_run_step_overhead_seconds",
    help: "Time of a run step spent in the platform itself (step time minus model and sandboxed command time)",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const finished = new Counter({
    name: "samokoder_runs_finished_total",
    help: "Runs that ended, by final status",
    labelNames: ["status"],
    registers: [registry],
  });
  return {
    step(kind, _durationMs, overheadMs) {
      steps.inc({ kind });
      overhead.observe({ kind }, overheadMs / 1000);
    },
    runFinished(status) {
      finished.inc({ status });
    },
  };
}
