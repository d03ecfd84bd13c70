// Owns the wire contract of projects.
import { z } from "zod";
import { Timestamp } from "./common";

export const ProjectStatus = z.enum(["draft", "generating", "ready", "error"]);

export const Project = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    status: ProjectStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof Project>;

const name = z.string().trim().min(1, "Name must not be blank").max(100);
const description = z.string().max(10_000);

export const CreateProjectBody = z.object({ name, description: description.default("") }).meta({ id: "CreateProjectBody" });

export const UpdateProjectBody = z
  .object({ name: name.optional(), description: description.optional(), status: ProjectStatus.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to update" })
  .meta({ id: "UpdateProjectBody" });

export const ListProjectsQuery = z.object({
  q: z.string().max(200).optional().describe("Case-insensitive search in name and description"),
  status: ProjectStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const ProjectList = z.object({ items: z.array(Project), nextCursor: z.string().nullable() }).meta({ id: "ProjectList" });

export const ProjectResponse = z.object({ project: Project }).meta({ id: "ProjectResponse" });
