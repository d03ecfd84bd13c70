// Owns projects: creation within the tier quota, owner-scoped listing, reading, updating and deletion.
import type { Project } from "@samokoder/schema";
import { type Database, projects, users } from "@samokoder/db";
import { and, desc, eq, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../clock";
import type { Tier } from "../config/index";
import { notFound, quotaExceeded } from "../errors/index";
import { decodeCursor, encodeCursor } from "./cursor";
import { isUuid } from "../ids";

type ProjectStatus = Project["status"];
type ProjectRow = typeof projects.$inferSelect;

export interface ProjectRecord {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  status: ProjectStatus;
  settings: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ListProjectsOptions {
  q?: string | undefined;
  status?: ProjectStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

export type ProjectDeletedListener = (project: ProjectRecord) => Promise<void> | void;

export interface ProjectsService {
  create(ownerId: string, input: { name: string; description: string }): Promise<ProjectRecord>;
  list(ownerId: string, options: ListProjectsOptions): Promise<{ items: ProjectRecord[]; nextCursor: string | null }>;
  /** The caller's project, or 404 (never 403) when it does not exist or belongs to someone else. */
  getOwned(ownerId: string, projectId: string): Promise<ProjectRecord>;
  update(
    ownerId: string,
    projectId: string,
    patch: Partial<Pick<ProjectRecord, "name" | "description" | "status" | "settings">>,
  ): Promise<ProjectRecord>;
  delete(ownerId: string, projectId: string): Promise<void>;
  /** Capabilities that hold per-project resources (workspaces, sandboxes) release them here. */
  onDeleted(listener: ProjectDeletedListener): void;
}

function toRecord(row: ProjectRow): ProjectRecord {
  return { ...row, status: row.status as ProjectStatus };
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createProjectsService(deps: { db: Database; clock: Clock; quota: Record<Tier, number> }): ProjectsService {
  const { db, clock } = deps;
  const listeners: ProjectDeletedListener[] = [];

  async function findOwned(ownerId: string, projectId: string): Promise<ProjectRecord> {
    if (!isUuid(projectId)) throw notFound("Project");
    const [row] = await db
      .select()
      .from(projects)
      .where(and(eq(projects.id, projectId), eq(projects.ownerId, ownerId)))
      .limit(1);
    if (!row) throw notFound("Project");
    return toRecord(row);
  }

  return {
    async create(ownerId, input) {
      return db.transaction(async (tx) => {
        // Locking the owner's row serialises concurrent creations, so the quota cannot be overrun.
        const [owner] = await tx.select({ tier: users.tier }).from(users).where(eq(users.id, ownerId)).for("update");
        if (!owner) throw notFound("User");
        const limit = deps.quota[owner.tier];
        const [counted] = await tx.select({ count: sql<number>`count(*)::int` }).from(projects).where(eq(projects.ownerId, ownerId));
        const used = counted?.count ?? 0;
        if (used >= limit) {
          throw quotaExceeded(`The ${owner.tier} tier allows ${limit} projects; delete one or upgrade`, {
            resource: "projects",
            used,
            limit,
            tier: owner.tier,
          });
        }
        const now = clock.now();
        const [row] = await tx
          .insert(projects)
          .values({ ownerId, name: input.name, description: input.description, createdAt: now, updatedAt: now })
          .returning();
        if (!row) throw new Error("insert returned no row");
        return toRecord(row);
      });
    },

    async list(ownerId, options) {
      const conditions: SQL[] = [eq(projects.ownerId, ownerId)];
      if (options.status) conditions.push(eq(projects.status, options.status));
      if (options.q?.trim()) {
        const pattern = likePattern(options.q.trim());
        const match = or(ilike(projects.name, pattern), ilike(projects.description, pattern));
        if (match) conditions.push(match);
      }
      if (options.cursor) {
        const position = decodeCursor(options.cursor);
        const after = or(
          lt(projects.createdAt, position.createdAt),
          and(eq(projects.createdAt, position.createdAt), lt(projects.id, position.id)),
        );
        if (after) conditions.push(after);
      }
      const rows = await db
        .select()
        .from(projects)
        .where(and(...conditions))
        .orderBy(desc(projects.createdAt), desc(projects.id))
        .limit(options.limit + 1);
      const page = rows.slice(0, options.limit).map(toRecord);
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null };
    },

    getOwned: findOwned,

    async update(ownerId, projectId, patch) {
      await findOwned(ownerId, projectId);
      const [row] = await db
        .update(projects)
        .set({ ...patch, updatedAt: clock.now() })
        .where(and(eq(projects.id, projectId), eq(projects.ownerId, ownerId)))
        .returning();
      if (!row) throw notFound("Project");
      return toRecord(row);
    },

    async delete(ownerId, projectId) {
      const project = await findOwned(ownerId, projectId);
      for (const listener of listeners) await listener(project);
      await db.delete(projects).where(and(eq(projects.id, projectId), eq(projects.ownerId, ownerId)));
    },

    onDeleted(listener) {
      listeners.push(listener);
    },
  };
}
