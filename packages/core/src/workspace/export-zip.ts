// Owns exporting a commit's tree as a streaming ZIP: blobs are read from git one at a time, never the work tree.
import { PassThrough } from "node:stream";
import { ZipFile } from "yazl";
import { BlobReader } from "./blob-reader";
import type { Git } from "./git";

const EXCLUDED_SEGMENTS = new Set(["node_modules", ".git"]);

interface TreeBlob {
  mode: string;
  object: string;
  size: number;
  path: string;
}

async function blobsOf(git: Git, sha: string): Promise<TreeBlob[]> {
  const output = (await git.run(["ls-tree", "-r", "-l", "-z", sha])).stdout.toString("utf8");
  const blobs: TreeBlob[] = [];
  for (const line of output.split("\0")) {
    if (!line) continue;
    const tab = line.indexOf("\t");
    const [mode, type, object, size] = line.slice(0, tab).split(/\s+/);
    const path = line.slice(tab + 1);
    // Symlinks (120000) and submodules are left out: a link in an archive could point anywhere on the user's disk.
    if (type !== "blob" || !mode || !object || (mode !== "100644" && mode !== "100755")) continue;
    if (path.split("/").some((segment) => EXCLUDED_SEGMENTS.has(segment))) continue;
    blobs.push({ mode, object, size: Number(size) || 0, path });
  }
  return blobs;
}

export async function exportTreeZip(git: Git, sha: string, committedAt: Date): Promise<PassThrough> {
  const blobs = await blobsOf(git, sha);
  const zip = new ZipFile();
  const output = new PassThrough();
  const reader = new BlobReader(git);
  zip.outputStream.pipe(output);
  zip.on("error", (error: Error) => output.destroy(error));
  output.on("close", () => reader.close());
  for (const blob of blobs) {
    zip.addReadStreamLazy(
      blob.path,
      { mtime: committedAt, mode: blob.mode === "100755" ? 0o100755 : 0o100644, size: blob.size },
      // Requested only when yazl reaches this entry, so at most one blob is in flight.
      (callback) => callback(null, reader.read(blob.object)),
    );
  }
  zip.end();
  zip.outputStream.on("end", () => reader.close());
  return output;
}
