/**
 * A request-level failure with the HTTP status the caller should see.
 *
 * Everything that rejects input throws (or returns) one of these; handlers turn it into a response with a
 * one-line message. `reason` is a short, stable, metric-safe code (`invalid_label_name`, `body_too_large`, …)
 * used for `ampgate_ingest_rejected_samples_total{reason}` and in logs; `message` is the human sentence, which
 * names the series/line and the rule it broke and never contains a secret.
 */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly options: { retryAfterSeconds?: number; headers?: Record<string, string> } = {},
  ) {
    super(visibleOnOneLine(message));
  }

  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }

  /** The headers its answer carries: its own, and `Retry-After` in whole seconds (at least 1) when it asks for one. */
  responseHeaders(): Record<string, string> {
    const headers: Record<string, string> = { ...this.options.headers };
    const { retryAfterSeconds } = this.options;
    if (retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
    return headers;
  }
}

/** 429 and 5xx tell a sender (a remote-write client, Telegraf, the OTel Collector) to keep its data and retry. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * Messages often quote the input (a label name, a line, V8's JSON.parse excerpt): its control characters are shown
 * escaped, so a message stays one line however hostile the input (found by fuzzing: `"\n\u0000"` as a JSON body).
 */
export function visibleOnOneLine(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export const badRequest = (reason: string, message: string) => new RequestError(400, reason, message);
export const unauthorized = (message = "missing or invalid bearer token") =>
  new RequestError(401, "unauthorized", message, { headers: { "www-authenticate": 'Bearer realm="ampgate"' } });
export const forbidden = (message: string) => new RequestError(403, "forbidden", message);
export const notFound = (message = "not found") => new RequestError(404, "not_found", message);
export const payloadTooLarge = (reason: string, message: string) => new RequestError(413, reason, message);
export const unsupportedMediaType = (message: string) => new RequestError(415, "unsupported_media_type", message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new RequestError(429, "rate_limited", message, { retryAfterSeconds });
export const serviceUnavailable = (reason: string, message: string, retryAfterSeconds?: number) =>
  new RequestError(503, reason, message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
