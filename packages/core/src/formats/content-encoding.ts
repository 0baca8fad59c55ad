/**
 * HTTP `Content-Encoding` of text/JSON/OTLP push bodies, undone with a bound on the decoded size.
 *
 * Telegraf's `content_encoding = "gzip"` and the OpenTelemetry Collector's `otlphttp` exporter (gzip by default;
 * `deflate` and `zstd` on request) compress bodies; curl users may too. The decoded size is capped *while*
 * inflating (zlib's `maxOutputLength`), so a small "zip bomb" cannot allocate more than the limit.
 *
 * Remote write's snappy is not a Content-Encoding in this sense (the body *is* snappy); its route uses the
 * remote-write snappy decoder (remote-write/snappy.ts) instead.
 */
import zlib from "node:zlib";
import { badRequest, payloadTooLarge, RequestError, unsupportedMediaType } from "../errors";
import { header, type CoreRequest } from "../http";

type Inflate = (body: Uint8Array, options: { maxOutputLength: number }) => Buffer;

const DECODERS: Record<string, Inflate | undefined> = {
  gzip: zlib.gunzipSync,
  "x-gzip": zlib.gunzipSync,
  deflate: zlib.inflateSync,
  // zstd arrived in Node 22.15; present on the Lambda runtime and here, absent on older Nodes.
  zstd: (zlib as unknown as { zstdDecompressSync?: Inflate }).zstdDecompressSync,
};

const SUPPORTED_CONTENT_ENCODINGS = ["identity", ...Object.keys(DECODERS).filter((name) => DECODERS[name])];

function tooLarge(maxDecodedBytes: number): RequestError {
  return payloadTooLarge("body_too_large", `decoded request body is larger than the ${maxDecodedBytes}-byte limit`);
}

/** The request body with its Content-Encoding removed; 413 past `maxDecodedBytes`, 415 for unknown codings. */
export function decodeContentEncoding(request: Pick<CoreRequest, "headers" | "body">, maxDecodedBytes: number): Uint8Array {
  const encoding = (header(request, "content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") {
    if (request.body.byteLength > maxDecodedBytes) throw tooLarge(maxDecodedBytes);
    return request.body;
  }
  const inflate = DECODERS[encoding];
  if (!inflate) {
    throw unsupportedMediaType(
      `Content-Encoding ${JSON.stringify(encoding)} is not supported; use one of ${SUPPORTED_CONTENT_ENCODINGS.join(", ")}`,
    );
  }
  try {
    return inflate(request.body, { maxOutputLength: maxDecodedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxDecodedBytes);
    throw badRequest("invalid_compression", `body is not valid ${encoding} data: ${(error as Error).message}`);
  }
}
