// Owns fan-out of "run N has events up to id M" notifications to the SSE streams of this process.
// One LISTEN per process (PostgreSQL: any process's commits; PGlite: this process), many subscribers.
import { type DatabaseHandle, listenChannel, type Unlisten } from "@samokoder/db";
import { RUN_EVENTS_CHANNEL } from "./event-log";

export type EventListener = (lastId: number) => void;

export interface EventHub {
  /** Calls `listener` whenever events of `runId` were committed; returns the unsubscribe function. */
  subscribe(runId: string, listener: EventListener): Promise<() => void>;
  close(): Promise<void>;
}

export function createEventHub(db: DatabaseHandle): EventHub {
  const listeners = new Map<string, Set<EventListener>>();
  let started: Promise<Unlisten> | null = null;

  const dispatch = (payload: string) => {
    const separator = payload.lastIndexOf(":");
    const runId = payload.slice(0, separator);
    const lastId = Number(payload.slice(separator + 1));
    for (const listener of listeners.get(runId) ?? []) listener(lastId);
  };

  return {
    async subscribe(runId, listener) {
      started ??= listenChannel(db, RUN_EVENTS_CHANNEL, dispatch);
      await started;
      let set = listeners.get(runId);
      if (!set) {
        set = new Set();
        listeners.set(runId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(runId);
      };
    },
    async close() {
      listeners.clear();
      if (started) await (await started)();
      started = null;
    },
  };
}
