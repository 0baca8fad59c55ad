/**
 * API Gateway HTTP API (payload format 2.0) ⇄ core's neutral request/response.
 *
 * Quirks handled here, so nothing below has to know about them:
 * - header names arrive lower-cased, repeated headers comma-joined;
 * - `queryStringParameters` comma-joins repeated keys, so the raw query string is parsed instead (Grafana
 *   sends `match[]` several times);
 * - binary bodies (snappy, gzip, protobuf) arrive base64-encoded with `isBase64Encoded: true`;
 * - responses with byte bodies must be returned base64-encoded with `isBase64Encoded: true`.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { CoreRequest, CoreResponse } from "@ampgate/core/http";

export function toCoreRequest(event: APIGatewayProxyEventV2): CoreRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (event.cookies?.length && !headers.cookie) headers.cookie = event.cookies.join("; ");
  const body = event.body === undefined || event.body === null
    ? new Uint8Array(0)
    : event.isBase64Encoded
      ? new Uint8Array(Buffer.from(event.body, "base64"))
      : new Uint8Array(Buffer.from(event.body, "utf8"));
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  return {
    method: event.requestContext.http.method.toUpperCase(),
    routeKey: event.routeKey,
    path: event.rawPath,
    headers,
    query: new URLSearchParams(event.rawQueryString ?? ""),
    pathParameters,
    body,
    requestId: event.requestContext.requestId || randomUUID(),
    sourceIp: event.requestContext.http.sourceIp,
  };
}

export function toApiGatewayResult(response: CoreResponse): APIGatewayProxyStructuredResultV2 {
  if (typeof response.body === "string") {
    return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
  }
  return {
    statusCode: response.status,
    headers: response.headers,
    body: Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString("base64"),
    isBase64Encoded: true,
  };
}
