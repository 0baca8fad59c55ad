/**
 * The S3 document store through the real @aws-sdk/client-s3 against a small local server that speaks the parts
 * of the S3 REST protocol the store uses (local/s3-server.ts): path-style GetObject/PutObject, ETags, conditional
 * writes (If-Match / If-None-Match → 412 PreconditionFailed) and the NoSuchKey error document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentConflictError } from "@ampgate/core/state/document-store";
import { createS3DocumentStore } from "@ampgate/core/state/s3-document-store";
import { startS3Server, type S3Server } from "../../local/s3-server";

let server: S3Server;

beforeAll(async () => {
  server = await startS3Server();
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDLOCAL", AWS_SECRET_ACCESS_KEY: "local-secret" });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterAll(() => server.close());

/** The store builds its own client, as in Lambda: credentials from the default chain (here: the environment). */
function store() {
  return createS3DocumentStore({ bucket: "ampgate-state", prefix: "switchbot/", endpoint: server.url, region: "eu-west-1" });
}

describe("S3 document store (real SDK, local S3 endpoint)", () => {
  it("stores documents under the prefix and reads them back with their ETag", async () => {
    const version = await store().write("switchbot-poller", { schema: 1, n: 1 }, undefined);
    expect(server.objects.has("/ampgate-state/switchbot/switchbot-poller.json")).toBe(true);
    expect(await store().read("switchbot-poller")).toEqual({ value: { schema: 1, n: 1 }, version });
  });

  it("sends If-None-Match: * to create and If-Match to replace, and maps 412 to a conflict", async () => {
    const s = store();
    const v1 = await s.write("doc", { n: 1 }, undefined);
    expect(server.seenHeaders.at(-1)?.["if-none-match"]).toBe("*");
    await s.write("doc", { n: 2 }, v1);
    expect(server.seenHeaders.at(-1)?.["if-match"]).toBe(v1);
    await expect(s.write("doc", { n: 3 }, v1)).rejects.toBeInstanceOf(DocumentConflictError);
    await expect(s.write("doc", { n: 3 }, undefined)).rejects.toBeInstanceOf(DocumentConflictError);
    expect((await s.read("doc"))?.value).toEqual({ n: 2 });
  });

  it("returns undefined for a missing document", async () => {
    expect(await store().read("never-written")).toBeUndefined();
  });
});
