// Owns the Prometheus metrics of the LLM gateway, registered on the process registry.
import type { LlmCallEvent } from "@samokoder/core";
import { Counter, Histogram, type Registry } from "prom-client";

/** Returns the gateway's observer: one call → requests, tokens, cost, duration and time-to-first-token. */
export function createLlmMetrics(registry: Registry): (event: LlmCallEvent) => void {
  const requests = new Counter({
    name: "samokoder_llm_requests_total",
    help: "LLM calls by provider, model, agent role and outcome (ok or error code)",
    labelNames: ["provider", "model", "agent", "outcome"],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "samokoder_llm_tokens_total",
    help: "LLM tokens by direction (input, output, cached_input)",
    labelNames: ["provider", "model", "agent", "direction"],
    registers: [registry],
  });
  const cost = new Counter({
    name: "samokoder_llm_cost_usd_total",
    help: "LLM spend in USD computed from the model catalogue",
    labelNames: ["provider", "model", "agent"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "samokoder_llm_request_duration_seconds",
    help: "LLM call duration including retries",
    labelNames: ["provider", "model", "agent", "outcome"],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const ttft = new Histogram({
    name: "samokoder_llm_time_to_first_token_seconds",
    help: "Time from sending an LLM request to its first streamed token",
    labelNames: ["provider", "model", "agent"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  return (event) => {
    const labels = { provider: event.provider, model: event.model, agent: event.role };
    requests.inc({ ...labels, outcome: event.outcome });
    tokens.inc({ ...labels, direction: "input" }, event.inputTokens);
    tokens.inc({ ...labels, direction: "output" }, event.outputTokens);
    tokens.inc({ ...labels, direction: "cached_input" }, event.cachedInputTokens);
    cost.inc(labels, event.costUsd);
    duration.observe({ ...labels, outcome: event.outcome }, event.durationSeconds);
    if (event.ttftSeconds !== null) ttft.observe(labels, event.ttftSeconds);
  };
}
