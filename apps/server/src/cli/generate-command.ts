// Owns `samokoder generate`: the same engine, in-process on an embedded database in `<out>/.samokoder`,
// printing progress and taking answers from the terminal (or the recommended option with --yes).
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { importTree, loadConfig, formatConfigReport } from "@samokoder/core";
import type { RunEvent } from "@samokoder/schema";
import { createRuntime } from "../runtime";
import { exportTree, importLocalEdits, localUser, readProjectLink, writeProjectLink } from "./generate-sync";
import { askInTerminal, describeEvent } from "./generate-output";

const USAGE = `Usage: samokoder generate --out DIR (--description "…" | --from DIR) [--instruction "…"] [--model provider/model] [--yes]
  --out DIR            where the app is written; its .samokoder/ keeps the project (repeat calls continue it)
  --description TEXT   what to build (first call)
  --from DIR           start from an existing tree instead of a starter template
  --instruction TEXT   one change request on the existing app
  --model P/M          provider/model for every agent (default: SAMOKODER_DEFAULT_MODEL)
  --yes                take the recommended option at every question`;

export async function generateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      description: { type: "string" },
      from: { type: "string" },
      instruction: { type: "string" },
      model: { type: "string" },
      yes: { type: "boolean", default: false },
    },
  });
  if (!values.out) {
    console.error(USAGE);
    return 1;
  }
  const out = resolve(values.out);
  const stateDir = resolve(out, ".samokoder");
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const loaded = loadConfig({ ...env, SAMOKODER_DATA_DIR: stateDir, ...(values.model ? { SAMOKODER_DEFAULT_MODEL: values.model } : {}) });
  if (!loaded.ok) {
    console.error(formatConfigReport(loaded));
    return 1;
  }
  const runtime = await createRuntime(loaded.config, { migrate: true });
  try {
    const { services } = runtime;
    const userId = await localUser(runtime.db);
    let link = readProjectLink(stateDir);
    if (!link) {
      if (!values.description && !values.from) {
        console.error(`${USAGE}\n\nThe first call on a directory needs --description or --from.`);
        return 1;
      }
      const project = await services.projects.create(userId, { name: basename(out), description: values.description ?? "" });
      link = { projectId: project.id, exported: {} };
      if (values.from) {
        const imported = await importTree(await services.workspaces.ensure(project.id), resolve(values.from), {
          summary: "Import existing code",
        });
        console.log(`imported ${imported.files} files from ${values.from}`);
      }
      writeProjectLink(stateDir, link);
    } else {
      const edits = await importLocalEdits(await services.workspaces.ensure(link.projectId), out, link.exported);
      if (edits > 0) console.log(`picked up ${edits} local edits`);
    }

    const run = await services.engine.runs.start(userId, link.projectId, {
      instruction: values.instruction,
      autonomy: values.yes ? "auto" : "ask",
      kind: values.from && values.instruction ? "change" : undefined,
    });
    console.log(`run ${run.id} (${run.kind}) started`);
    await services.engine.startWorker();
    const finished = await follow(runtime, userId, run.id);

    link.exported = await exportTree(await services.workspaces.ensure(link.projectId), out, link.exported);
    writeProjectLink(stateDir, link);
    const view = await services.engine.runs.get(userId, run.id);
    const done = view.plan.filter((t) => t.status === "done").length;
    console.log(
      `run ${finished}: ${done}/${view.plan.length} tasks verified; ${view.usage.inputTokens} input + ${view.usage.outputTokens} output tokens, $${view.usage.costUsd.toFixed(4)}`,
    );
    console.log(`app written to ${out}`);
    return finished === "run.completed" ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

/** Prints the run's events as they are committed and answers questions; resolves with the terminal event type. */
async function follow(runtime: Awaited<ReturnType<typeof createRuntime>>, userId: string, runId: string): Promise<string> {
  const { runs, events } = runtime.services.engine;
  const { readEvents } = await import("@samokoder/core");
  let last = 0;
  return new Promise<string>((resolveFollow, reject) => {
    let busy = false;
    let again = false;
    let unsubscribe: () => void = () => {};
    const pump = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const batch: RunEvent[] = await readEvents(runtime.db, runId, last);
          for (const event of batch) {
            last = event.id;
            const line = describeEvent(event);
            if (line) console.log(line);
            if (event.type === "run.paused") {
              const view = await runs.get(userId, runId);
              if (view.pendingQuestion) {
                const answer = await askInTerminal(
                  view.pendingQuestion.question,
                  view.pendingQuestion.options,
                  view.pendingQuestion.recommended,
                );
                await runs.answer(userId, runId, view.pendingQuestion.id, answer);
              }
            }
            if (event.type === "run.completed" || event.type === "run.failed" || event.type === "run.cancelled") {
              unsubscribe();
              return resolveFollow(event.type);
            }
          }
          if (batch.length > 0) again = true;
        } while (again);
      } catch (error) {
        reject(error);
      } finally {
        busy = false;
      }
    };
    void events
      .subscribe(runId, () => void pump())
      .then((off) => {
        unsubscribe = off;
        void pump();
      }, reject);
  });
}
