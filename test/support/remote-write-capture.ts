/**
 * A remote-write receiver for tests that records every request (headers and raw body) and answers 204, so a
 * test can look at exactly what a real sender (a Prometheus agent, Telegraf) put on the wire.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { listenOnLoopback } from "../../local/listen";
import { readBody } from "../../local/read-body";

export interface CapturedWrite {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RemoteWriteCapture {
  /** http://127.0.0.1:<port>/api/v1/write */
  readonly url: string;
  readonly writes: readonly CapturedWrite[];
  close(): Promise<void>;
}

export async function startRemoteWriteCapture(): Promise<RemoteWriteCapture> {
  const writes: CapturedWrite[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      writes.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url: `${url}/api/v1/write`,
    writes,
    close,
  };
}
