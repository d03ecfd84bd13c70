// Owns shared primitives of the API contract (ids, timestamps, pagination).
import { z } from "zod";

export const Uuid = z.uuid();
export const Timestamp = z.string().describe("ISO 8601 UTC timestamp");

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as `cursor` to fetch the next page"),
  });
