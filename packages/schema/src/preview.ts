// Owns the wire contract of live previews.
import { z } from "zod";

export const PreviewStatus = z
  .object({
    projectId: z.uuid(),
    status: z.enum(["none", "starting", "running", "stopped", "crashed", "exited"]),
    url: z.string().nullable().describe("Open this (signed in) to reach the preview; it hands over to the preview origin"),
    origin: z.string().describe("The preview's own origin: a separate site from the platform"),
    startedAt: z.string().nullable(),
    uptimeSeconds: z.number().int().nullable(),
    lastOutput: z.array(z.string()).describe("The app's last output lines"),
    exitCode: z.number().int().nullable(),
    limitHit: z.string().nullable().describe("Which sandbox limit stopped the app, if any"),
  })
  .meta({ id: "PreviewStatus" });
export type PreviewStatus = z.infer<typeof PreviewStatus>;

export const StartPreviewBody = z
  .object({
    command: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .optional()
      .describe("How to start the app (default: from package.json); it must listen on $PORT"),
    readyPattern: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Regular expression on an output line that means ready (default: the port accepts connections)"),
  })
  .meta({ id: "StartPreviewBody" });

export const PreviewResponse = z.object({ preview: PreviewStatus }).meta({ id: "PreviewResponse" });
