import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DocumentConflictError } from "../../src/state/document-store";
import { createFileDocumentStore } from "../../src/state/file-document-store";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ampgate-state-"));
  dirs.push(dir);
  return join(dir, "nested");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("file document store", () => {
  it("reads back what it wrote, across store instances (a restart)", async () => {
    const dir = freshDir();
    const version = await createFileDocumentStore(dir).write("poller", { a: 1 }, undefined);
    const again = await createFileDocumentStore(dir).read("poller");
    expect(again).toEqual({ value: { a: 1 }, version });
  });

  it("returns undefined for a document that does not exist", async () => {
    expect(await createFileDocumentStore(freshDir()).read("nothing")).toBeUndefined();
  });

  it("refuses a write based on a stale version, and a create over an existing document", async () => {
    const store = createFileDocumentStore(freshDir());
    const v1 = await store.write("doc", { n: 1 }, undefined);
    const v2 = await store.write("doc", { n: 2 }, v1);
    await expect(store.write("doc", { n: 3 }, v1)).rejects.toBeInstanceOf(DocumentConflictError);
    await expect(store.write("doc", { n: 3 }, undefined)).rejects.toBeInstanceOf(DocumentConflictError);
    expect((await store.read("doc"))?.value).toEqual({ n: 2 });
    await store.write("doc", { n: 4 }, "unconditional");
    expect((await store.read("doc"))?.version).not.toBe(v2);
  });

  it("leaves no temporary files behind and rejects path-like keys", async () => {
    const dir = freshDir();
    const store = createFileDocumentStore(dir);
    await store.write("doc", { n: 1 }, "unconditional");
    expect(readdirSync(dir)).toEqual(["doc.json"]);
    await expect(store.write("../escape", {}, "unconditional")).rejects.toThrow(/invalid state document key/);
  });
});
