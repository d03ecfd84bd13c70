// Public surface of the preview capability.
export * from "./service";
export { defaultPreviewCommand } from "./command";
export type { PreviewTokenPayload } from "./tokens";
