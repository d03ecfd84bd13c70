// Owns where workspaces live and creating them: work tree `<dataDir>/projects/<id>`, history `<dataDir>/git/<id>.git`.
import { mkdir, realpath, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { notFound } from "../errors/index";
import { Git } from "./git";
import { GitWorkspace, type Lock } from "./git-workspace";
import type { Workspace, WorkspaceStore } from "./types";
import { isUuid } from "../ids";
import { exists } from "./exists";

// Dependencies and build output never belong in a checkpoint, whatever the project's own .gitignore says.
const EXCLUDES = ["node_modules/", ".npm/", ".cache/", ""].join("\n");

export function createWorkspaceStore(options: { dataDir: string }): WorkspaceStore {
  const locks = new Map<string, Promise<unknown>>();

  // Serialises mutations of one workspace inside this process; git's own index.lock guards across processes.
  const lockFor =
    (projectId: string): Lock =>
    (work) => {
      const previous = locks.get(projectId) ?? Promise.resolve();
      const next = previous.then(work, work);
      const settled = next.catch(() => undefined);
      locks.set(projectId, settled);
      void settled.then(() => {
        if (locks.get(projectId) === settled) locks.delete(projectId);
      });
      return next;
    };

  const checkedId = (projectId: string): string => {
    if (!isUuid(projectId)) throw notFound("Project");
    return projectId.toLowerCase();
  };
  const dirOf = (projectId: string) => join(options.dataDir, "projects", checkedId(projectId));
  const gitDirOf = (projectId: string) => join(options.dataDir, "git", `${checkedId(projectId)}.git`);

  async function initialise(git: Git): Promise<void> {
    await git.run(["init", "--quiet", "--initial-branch=main"]);
    await writeFile(join(git.gitDir, "info", "exclude"), EXCLUDES);
    await git.run(["commit", "--quiet", "--no-verify", "--allow-empty", "--file=-"], {
      input: "Create the project workspace\n\nSamokoder-Step: init\n",
    });
  }

  return {
    dirOf,
    async exists(projectId) {
      return exists(join(gitDirOf(projectId), "HEAD"));
    },
    async ensure(projectId): Promise<Workspace> {
      const id = checkedId(projectId);
      const lock = lockFor(id);
      return lock(async () => {
        const workTree = dirOf(id);
        const gitDir = gitDirOf(id);
        await mkdir(workTree, { recursive: true });
        const realWorkTree = await realpath(workTree);
        const git = new Git(gitDir, realWorkTree);
        if (!(await exists(join(gitDir, "HEAD")))) {
          await mkdir(gitDir, { recursive: true });
          await initialise(git);
        }
        return new GitWorkspace(id, realWorkTree, git, lock);
      });
    },
    async remove(projectId) {
      const id = checkedId(projectId);
      await lockFor(id)(async () => {
        await rm(dirOf(id), { recursive: true, force: true });
        await rm(gitDirOf(id), { recursive: true, force: true });
      });
    },
  };
}
