/**
 * A framework-neutral HTTP request/response, so core logic never sees Lambda or API Gateway event types.
 * `functions/*` translate API Gateway v2 events to and from these; tests build them directly.
 */

export interface CoreRequest {
  method: string;
  /** The matched route as API Gateway names it, e.g. `POST /api/v1/write` or `GET /api/v1/label/{name}/values`. */
  routeKey: string;
  /** Path without query string, e.g. `/api/v1/write`. */
  path: string;
  /** Lower-case header names; repeated headers joined with ", " (as API Gateway HTTP APIs do). */
  headers: Record<string, string>;
  /** Query parameters with repeats kept in order (`match[]` may repeat). */
  query: URLSearchParams;
  /** Path parameters captured by the route (`{job}`, `{proxy+}` → `proxy`). */
  pathParameters: Record<string, string>;
  /** The body as bytes (API Gateway base64 bodies already decoded). */
  body: Uint8Array;
  /** API Gateway's request id (or a generated one locally); follows the batch through logs. */
  requestId: string;
  /** Source IP as API Gateway saw it. */
  sourceIp: string;
}

export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  /** Strings are sent as UTF-8 text; bytes are sent base64-encoded through API Gateway. */
  body: string | Uint8Array;
}

export function textResponse(status: number, body: string, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body };
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers, body: "" };
}

/** Case-insensitive header lookup on a lower-cased header map. */
export function header(request: Pick<CoreRequest, "headers">, name: string): string | undefined {
  return request.headers[name.toLowerCase()];
}

/** The Content-Type's media type, lower-cased and without parameters (`application/json`); "" when there is none. */
export function mediaType(request: Pick<CoreRequest, "headers">): string {
  return (header(request, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}
