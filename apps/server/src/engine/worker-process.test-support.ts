// Owns starting `samokoder serve --role=worker` as a real child process for durability tests.
import { type ChildProcess, spawn } from "node:child_process";
import { CLI_PATH, cliEnv, REPO_ROOT } from "@samokoder/test-support";

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown code runs, the lease is left to expire. */
  kill(): Promise<void>;
}

/** Starts a worker and resolves once it prints that it runs (its readiness signal). */
export function startWorkerProcess(env: Record<string, string | undefined>): Promise<WorkerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, "serve", "--role=worker"], { cwd: REPO_ROOT, env: cliEnv(env) });
    let out = "";
    const onData = (data: Buffer) => {
      out += data.toString();
      if (/run worker \S+ is running/.test(out)) {
        resolve({
          child,
          output: () => out,
          kill: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGKILL");
            }),
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready:\n${out}`)));
  });
}
