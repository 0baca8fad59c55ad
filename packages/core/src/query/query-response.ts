/**
 * The last step of every query-function answer: JSON bytes → compressed if the client accepts gzip (reusing AMP's
 * own gzip bytes when the body is unchanged, never compressing twice) → size-checked against what a Lambda may
 * return → `Cache-Control: no-store` (dashboards must not be served stale data by an intermediary; reference §5).
 */
import { gzipSync } from "node:zlib";
import { RequestError } from "../errors";
import { type CoreRequest, type CoreResponse, header } from "../http";

export interface QueryPayload {
  status: number;
  json: Uint8Array;
  /** The same JSON, already gzip-compressed (AMP's bytes). */
  gzipped?: Uint8Array;
  headers?: Record<string, string>;
  contentType?: string;
}

/** Smaller bodies are sent as they are: gzip would save nothing worth a CPU cycle. */
const GZIP_MIN_BYTES = 1024;

/** Text → UTF-8 bytes in one pass (Buffer.from and a copy into a Uint8Array would be two, on bodies of megabytes). */
const utf8 = new TextEncoder();

export function jsonPayload(status: number, value: unknown, headers?: Record<string, string>): QueryPayload {
  return { status, json: utf8.encode(JSON.stringify(value)), ...(headers ? { headers } : {}) };
}

/** JSON text that is already serialised (the long-row writers build it directly). */
export function jsonTextPayload(status: number, text: string): QueryPayload {
  return { status, json: utf8.encode(text) };
}

/** Prometheus's error envelope (reference §4.4) with the status and headers the error asks for. */
export function errorPayload(error: RequestError): QueryPayload {
  return jsonPayload(error.status, { status: "error", errorType: error.reason, error: error.message }, error.responseHeaders());
}

/** RFC 9110 §12.5.3: gzip is acceptable when listed (or `*` is) with a non-zero q. */
export function acceptsGzip(request: Pick<CoreRequest, "headers">): boolean {
  const value = header(request, "accept-encoding");
  if (!value) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of value.split(",")) {
    const [coding, ...parameters] = part.trim().toLowerCase().split(";");
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (coding === "gzip" || coding === "x-gzip") gzip = quality;
    else if (coding === "*") star = quality;
  }
  return (gzip ?? star ?? 0) > 0;
}

const describeBytes = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`);

/** Bytes API Gateway receives from Lambda for this body: base64 for bytes, JSON-escaped for text. */
function wireBytes(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(JSON.stringify(body), "utf8") : Math.ceil(body.byteLength / 3) * 4;
}

export function toCoreResponse(payload: QueryPayload, request: Pick<CoreRequest, "headers">, maxWireBytes: number): CoreResponse {
  const headers: Record<string, string> = {
    "content-type": payload.contentType ?? "application/json",
    "cache-control": "no-store",
    vary: "accept-encoding",
    ...payload.headers,
  };
  let body: string | Uint8Array;
  if (acceptsGzip(request) && (payload.gzipped || payload.json.byteLength >= GZIP_MIN_BYTES)) {
    body = payload.gzipped ?? gzipSync(payload.json);
    headers["content-encoding"] = "gzip";
  } else {
    body = Buffer.from(payload.json).toString("utf8");
  }
  if (wireBytes(body) > maxWireBytes) {
    const error = new RequestError(422, "too_large",
      `the response would be ${describeBytes(wireBytes(body))}, over the ${describeBytes(maxWireBytes)} a Lambda can return; select fewer series or use a larger step${headers["content-encoding"] ? "" : " (or accept gzip)"}`);
    return toCoreResponse(errorPayload(error), { headers: {} }, maxWireBytes);
  }
  return { status: payload.status, headers, body };
}
