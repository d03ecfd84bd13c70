// Benchmark helper: the fake LLM in its own process (so its CPU is not billed to the gateway), streaming
// stamped tokens at a fixed pace. Prints its base URL on stdout, then serves until killed.
import { reply, startFakeLlm } from "@samokoder/test-support";

const tokens = Number(process.env.BENCH_TOKENS ?? 500);
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 20);
const llm = await startFakeLlm();
llm.onRequest(() => reply().tokens(tokens, { intervalMs, stamp: true }).usage({ input: 20, output: tokens }));
// Do not keep every request of a long benchmark in memory.
setInterval(() => {
  llm.requests.length = 0;
}, 1000).unref();
console.log(llm.baseUrl);
