export { createProjectsService, type ProjectRecord, type ProjectsService, type ListProjectsOptions } from "./service";
