/**
 * One HTTP exchange with AMP over `node:http`/`node:https`, returning status, headers and the whole body.
 *
 * Why not `fetch`: the bytes and headers on the wire must be exactly the ones that were signed. undici's fetch
 * adds headers of its own (`accept`, `accept-language`, `sec-fetch-mode`, `accept-encoding`), may transparently
 * decompress, and reports every failure as an opaque `TypeError: fetch failed`; here a reset, a refused
 * connection and a stall are told apart (`TransportError.kind`), which the retry policy needs.
 * Node's global agents keep connections alive (default since Node 19), so a warm Lambda reuses its TLS session.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpTransportRequest {
  /** Absolute URL, query string included, exactly as it is to be requested. */
  url: string;
  method: string;
  /** Sent as given (lower-case names); `content-length` is set from `body`. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The whole exchange — connect, send, receive the full body — must finish within this. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** A larger response body fails the exchange (`response_too_large`) instead of filling memory. */
  maxResponseBytes: number;
}

export interface HttpTransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export type HttpTransport = (request: HttpTransportRequest) => Promise<HttpTransportResponse>;

export type TransportErrorKind = "network" | "timeout" | "aborted" | "response_too_large";

export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** The system error code when there is one (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`…). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A GET without a body is sent without `content-length`, as every HTTP client does. */
const bodyless = (request: HttpTransportRequest) => request.body.byteLength === 0 && /^(GET|HEAD)$/i.test(request.method);

export const nodeHttpTransport: HttpTransport = (request) =>
  new Promise<HttpTransportResponse>((resolve, reject) => {
    const url = new URL(request.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (error: TransportError | undefined, response?: HttpTransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = () => finish(new TransportError("aborted", `request to ${url.host} aborted`));
    const timer = setTimeout(
      () => finish(new TransportError("timeout", `no complete answer from ${url.host} within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const outgoing = send(url, {
      method: request.method,
      headers: bodyless(request) ? request.headers : { ...request.headers, "content-length": String(request.body.byteLength) },
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      finish(new TransportError("network", `${url.host}: ${error.message}`, error.code));
    });
    outgoing.on("response", (incoming: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let received = 0;
      incoming.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > request.maxResponseBytes) {
          finish(new TransportError("response_too_large", `response from ${url.host} exceeds ${request.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      incoming.on("error", (error: NodeJS.ErrnoException) => {
        finish(new TransportError("network", `${url.host}: ${error.message}`, error.code));
      });
      incoming.on("end", () => {
        if (!incoming.complete) {
          finish(new TransportError("network", `${url.host}: connection closed before the response was complete`));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        finish(undefined, { status: incoming.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.end(request.body);
  });
