// Public surface of the generation engine: the runs service (API side), the run worker, the event log and hub.
export { createRunsService, type PlanEdit, type RunsService, type StartRunInput } from "./service";
export { createRunWorker, type RunWorker } from "./runs/worker";
export { orphanedRuns, findRun, type RunRecord } from "./runs/run-store";
export { readEvents, RUN_EVENTS_CHANNEL } from "./events/event-log";
export { createEventHub, type EventHub } from "./events/event-hub";
export { DEFAULT_ENGINE_SETTINGS, type EngineDeps, type EngineObserver, type EngineSettings, type RunScheduler } from "./ports";
export { ALL_TOOLS, AGENT_TOOLS, defineTool, confinePath, type ToolDefinition } from "./tools/index";
export { errorSignature, decideEscalation } from "./verify/loop-control";
