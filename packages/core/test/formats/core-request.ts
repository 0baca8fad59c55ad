/** Test helper: a CoreRequest as a handler would receive it from API Gateway. */
import type { CoreRequest } from "../../src/http";
import type { PushContext } from "../../src/ingest/push-format";

export interface RequestShape {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: string;
  pathParameters?: Record<string, string>;
  body?: string | Uint8Array;
}

export function coreRequest(shape: RequestShape = {}): CoreRequest {
  const method = shape.method ?? "POST";
  const path = shape.path ?? "/";
  return {
    method,
    routeKey: `${method} ${path}`,
    path,
    headers: Object.fromEntries(Object.entries(shape.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    query: new URLSearchParams(shape.query ?? ""),
    pathParameters: shape.pathParameters ?? {},
    body: typeof shape.body === "string" ? new TextEncoder().encode(shape.body) : (shape.body ?? new Uint8Array()),
    requestId: "test-request",
    sourceIp: "127.0.0.1",
  };
}

export const NOW = 1_700_000_123_456;

export const pushContext = (overrides: Partial<PushContext> = {}): PushContext => ({
  now: NOW,
  maxDecodedBytes: 1024 * 1024,
  ...overrides,
});
