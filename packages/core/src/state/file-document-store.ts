/**
 * Documents as JSON files in one directory (`<dir>/<key>.json`): the local runner's state, and tests.
 *
 * Writes go to a temporary file that is renamed over the old one, so a crash never leaves half a document; the
 * version is the SHA-256 of the file's bytes. The compare-and-swap is checked within this process only (the
 * local runner has one poller); AWS uses S3 conditional writes instead.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkDocumentKey, DocumentConflictError, type DocumentStore } from "./document-store";

const versionOf = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex").slice(0, 32);

export function createFileDocumentStore(directory: string): DocumentStore {
  const pathOf = (key: string) => join(directory, `${checkDocumentKey(key)}.json`);

  async function readRaw(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  return {
    async read(key) {
      const bytes = await readRaw(key);
      if (bytes === undefined) return undefined;
      return { value: JSON.parse(bytes.toString("utf8")) as unknown, version: versionOf(bytes) };
    },
    async write(key, value, expected) {
      if (expected !== "unconditional") {
        const current = await readRaw(key);
        const currentVersion = current === undefined ? undefined : versionOf(current);
        if (currentVersion !== expected) throw new DocumentConflictError(key);
      }
      await mkdir(directory, { recursive: true });
      const text = JSON.stringify(value);
      const temporary = `${pathOf(key)}.${randomUUID()}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, pathOf(key));
      return versionOf(text);
    },
  };
}
