// Public surface of workspaces: per-project git repositories with confined file access, checkpoints, export and templates.
export * from "./types";
export { createWorkspaceStore } from "./store";
export { GitWorkspace } from "./git-workspace";
export { normalizeProjectPath } from "./paths";
export { PLATFORM_IDENTITY } from "./git";
export { formatCommitMessage, parseCommitMessage } from "./commit-message";
export { detectChecks, type ProjectChecks } from "./checks";
export { getTemplate, listTemplates, packageName, scaffold, type TemplateInfo } from "./templates";
export { commitUserEdit, decodeText } from "./user-edit";
export { importTree } from "./import-tree";
