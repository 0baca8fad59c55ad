/**
 * An HTTP request's whole body, for the local servers (API Gateway front, AMP stand-in, SSM, S3, simulator, fault
 * proxy) and the test stand-ins. With `limit`, a body longer than `limit` bytes resolves `undefined`: the rest is
 * read and discarded rather than kept, so the server can still answer (413) on the same connection.
 */
import type { IncomingMessage } from "node:http";

export function readBody(request: IncomingMessage): Promise<Buffer>;
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined>;
export function readBody(request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
