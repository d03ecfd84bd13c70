// Owns batching of streamed text (model deltas, command output) into few events: never one row per chunk.
import type { DatabaseHandle } from "@samokoder/db";
import type { NewRunEvent } from "@samokoder/schema";
import { appendEvents } from "../events/event-log";

const FLUSH_MS = 250;
const FLUSH_CHARS = 8_000;
const MAX_EVENT_CHARS = 16_000;

export interface StreamBatcher {
  llmDelta(agent: string, text: string): void;
  commandOutput(command: string, stream: "stdout" | "stderr", data: string): void;
  /** Writes whatever is buffered; called before the step commits so streamed events precede the step's own. */
  flush(): Promise<void>;
}

export function createStreamBatcher(db: DatabaseHandle, runId: string): StreamBatcher {
  let pending: NewRunEvent[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return writing;
    const batch = pending;
    pending = [];
    size = 0;
    // Streamed text is progress, not state: a failed write must not fail the step.
    writing = writing.then(() => db.transaction((tx) => appendEvents(tx, runId, batch).then(() => undefined)).catch(() => undefined));
    return writing;
  };

  const push = (event: NewRunEvent, chars: number, merge: (last: NewRunEvent) => boolean) => {
    const last = pending.at(-1);
    if (!(last && merge(last))) pending.push(event);
    size += chars;
    if (size >= FLUSH_CHARS) void write();
    else timer ??= setTimeout(() => void write(), FLUSH_MS);
  };

  return {
    llmDelta(agent, text) {
      push({ type: "llm.delta", data: { agent, text } }, text.length, (last) => {
        if (last.type !== "llm.delta" || last.data.agent !== agent || last.data.text.length > MAX_EVENT_CHARS) return false;
        last.data.text += text;
        return true;
      });
    },
    commandOutput(command, stream, data) {
      push({ type: "command.output", data: { command, stream, data } }, data.length, (last) => {
        if (last.type !== "command.output" || last.data.command !== command || last.data.stream !== stream) return false;
        if (last.data.data.length > MAX_EVENT_CHARS) return false;
        last.data.data += data;
        return true;
      });
    },
    flush: () => write(),
  };
}
