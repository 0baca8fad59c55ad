/**
 * The S3 document store through the real @aws-sdk/client-s3 against a small local server that speaks the parts
 * of the S3 REST protocol the store uses: path-style GetObject/PutObject, ETags, conditional writes
 * (If-Match / If-None-Match → 412 PreconditionFailed) and the NoSuchKey error document.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentConflictError } from "@ampgate/core/state/document-store";
import { createS3DocumentStore } from "@ampgate/core/state/s3-document-store";

const objects = new Map<string, { body: Buffer; etag: string }>();
const seenHeaders: Array<Record<string, string | string[] | undefined>> = [];
let server: Server;
let endpoint = "";

function s3Error(status: number, code: string, message: string) {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>local</RequestId></Error>` };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seenHeaders.push(request.headers);
      const key = decodeURIComponent(new URL(request.url ?? "/", "http://s3").pathname);
      const existing = objects.get(key);
      let answer: { status: number; body: string; headers?: Record<string, string> };
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        answer = s3Error(403, "AccessDenied", "missing SigV4 signature");
      } else if (request.method === "GET") {
        answer = existing
          ? { status: 200, body: existing.body.toString("utf8"), headers: { etag: existing.etag, "content-type": "application/json" } }
          : s3Error(404, "NoSuchKey", "The specified key does not exist.");
      } else if (request.method === "PUT") {
        const ifMatch = request.headers["if-match"];
        const ifNoneMatch = request.headers["if-none-match"];
        if ((ifMatch && ifMatch !== existing?.etag) || (ifNoneMatch === "*" && existing)) {
          answer = s3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        } else {
          const body = Buffer.concat(chunks);
          const etag = `"${createHash("md5").update(body).digest("hex")}"`;
          objects.set(key, { body, etag });
          answer = { status: 200, body: "", headers: { etag } };
        }
      } else {
        answer = s3Error(405, "MethodNotAllowed", "not supported here");
      }
      response.writeHead(answer.status, { "content-type": "application/xml", ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDLOCAL", AWS_SECRET_ACCESS_KEY: "local-secret" });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The store builds its own client, as in Lambda: credentials from the default chain (here: the environment). */
function store() {
  return createS3DocumentStore({ bucket: "ampgate-state", prefix: "switchbot/", endpoint, region: "eu-west-1" });
}

describe("S3 document store (real SDK, local S3 endpoint)", () => {
  it("stores documents under the prefix and reads them back with their ETag", async () => {
    const version = await store().write("switchbot-poller", { schema: 1, n: 1 }, undefined);
    expect(objects.has("/ampgate-state/switchbot/switchbot-poller.json")).toBe(true);
    expect(await store().read("switchbot-poller")).toEqual({ value: { schema: 1, n: 1 }, version });
  });

  it("sends If-None-Match: * to create and If-Match to replace, and maps 412 to a conflict", async () => {
    const s = store();
    const v1 = await s.write("doc", { n: 1 }, undefined);
    expect(seenHeaders.at(-1)?.["if-none-match"]).toBe("*");
    await s.write("doc", { n: 2 }, v1);
    expect(seenHeaders.at(-1)?.["if-match"]).toBe(v1);
    await expect(s.write("doc", { n: 3 }, v1)).rejects.toBeInstanceOf(DocumentConflictError);
    await expect(s.write("doc", { n: 3 }, undefined)).rejects.toBeInstanceOf(DocumentConflictError);
    expect((await s.read("doc"))?.value).toEqual({ n: 2 });
  });

  it("returns undefined for a missing document", async () => {
    expect(await store().read("never-written")).toBeUndefined();
  });
});
