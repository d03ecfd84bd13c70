// Owns measuring a project's disk usage (allocated blocks, symlinks not followed).
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

export async function diskUsageBytes(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    const sizes = await Promise.all(
      entries.map(async (entry) => {
        const path = join(current, entry.name);
        if (entry.isDirectory()) stack.push(path);
        try {
          return (await lstat(path)).blocks * 512;
        } catch {
          return 0;
        }
      }),
    );
    for (const size of sizes) total += size;
  }
  return total;
}
