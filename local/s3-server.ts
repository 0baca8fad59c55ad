/**
 * A local endpoint that speaks the part of the S3 REST protocol the state store uses (core state/s3-document-store.ts),
 * so the real `@aws-sdk/client-s3` can run against it: path-style GetObject/PutObject, ETags (MD5 of the body, as S3
 * gives for single-part uploads), conditional writes (If-Match / If-None-Match: * → 412 PreconditionFailed) and the
 * NoSuchKey error document. A request without a SigV4 `Authorization` header is refused (403 AccessDenied), so a
 * client that forgot to sign fails here as it would in AWS; signatures are not verified.
 *
 * Used by the S3 store's integration test and by the cold-start bench (bench/cold-start.bench.ts).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { listenOnLoopback } from "./listen";
import { readBody } from "./read-body";

export interface S3Server {
  /** http://127.0.0.1:<port>: the client's `endpoint`, with path-style addressing. */
  readonly url: string;
  /** `/<bucket>/<key>` → stored object. */
  readonly objects: Map<string, { body: Buffer; etag: string }>;
  /** The headers of every request, in order (tests check the conditional-write headers). */
  readonly seenHeaders: IncomingHttpHeaders[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

function s3Error(status: number, code: string, message: string): Answer {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>local</RequestId></Error>` };
}

export async function startS3Server(): Promise<S3Server> {
  const objects = new Map<string, { body: Buffer; etag: string }>();
  const seenHeaders: IncomingHttpHeaders[] = [];

  function answer(method: string | undefined, key: string, headers: IncomingHttpHeaders, body: Buffer): Answer {
    const existing = objects.get(key);
    if (!String(headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) return s3Error(403, "AccessDenied", "missing SigV4 signature");
    if (method === "GET") {
      return existing
        ? { status: 200, body: existing.body.toString("utf8"), headers: { etag: existing.etag, "content-type": "application/json" } }
        : s3Error(404, "NoSuchKey", "The specified key does not exist.");
    }
    if (method === "PUT") {
      const ifMatch = headers["if-match"];
      if ((ifMatch && ifMatch !== existing?.etag) || (headers["if-none-match"] === "*" && existing)) {
        return s3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
      }
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      objects.set(key, { body, etag });
      return { status: 200, body: "", headers: { etag } };
    }
    return s3Error(405, "MethodNotAllowed", "not supported here");
  }

  const server: Server = createServer((request, response) => {
    void readBody(request).then((received) => {
      seenHeaders.push(request.headers);
      const key = decodeURIComponent(new URL(request.url ?? "/", "http://s3").pathname);
      const { status, body, headers } = answer(request.method, key, request.headers, received);
      response.writeHead(status, { "content-type": "application/xml", ...headers });
      response.end(body);
    }).catch(() => response.destroy());
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    objects,
    seenHeaders,
    close,
  };
}
