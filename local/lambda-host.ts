/**
 * Runs the real Lambda handlers in this process the way AWS would call them: an API Gateway HTTP API
 * (payload format 2.0) event and a Lambda context whose remaining time counts down from the function's timeout.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { FUNCTION_SETTINGS, type FunctionName } from "../functions/settings";
import type { RouteMatch } from "./http-router";

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;
const handlers = new Map<FunctionName, Promise<AnyHandler>>();

/** Import `functions/<name>.ts` once, as a Lambda container would on cold start. */
export function loadHandler(name: FunctionName): Promise<AnyHandler> {
  let loaded = handlers.get(name);
  if (!loaded) {
    loaded = import(`../functions/${name}.ts`).then((module: { handler?: AnyHandler }) => {
      if (typeof module.handler !== "function") throw new Error(`functions/${name}.ts does not export a handler`);
      return module.handler;
    });
    handlers.set(name, loaded);
  }
  return loaded;
}

export function lambdaContext(name: FunctionName): Context {
  const timeoutMs = FUNCTION_SETTINGS[name].timeoutSeconds * 1000;
  const started = Date.now();
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `ampgate-local-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:ampgate-local-${name}`,
    memoryLimitInMB: String(FUNCTION_SETTINGS[name].memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/ampgate-local-${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * HTTP APIs pass text bodies as strings and everything else base64-encoded (`isBase64Encoded: true`).
 * Handlers must cope with both; this mirrors which one they get for a given Content-Type.
 */
const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript)|[^;]*\+(json|xml))/i;

export function buildHttpEvent(request: IncomingMessage, body: Buffer, match: RouteMatch): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === "cookie") continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }
  const contentType = headers["content-type"] ?? "";
  const asText = TEXT_CONTENT.test(contentType) && !headers["content-encoding"];
  const now = new Date();
  const rawQueryString = (request.url ?? "").includes("?") ? (request.url ?? "").slice((request.url ?? "").indexOf("?") + 1) : "";
  return {
    version: "2.0",
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: asText ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !asText,
  };
}

/** Write a handler's result as API Gateway would (a bare string or object result means 200 JSON). */
export function writeResult(response: ServerResponse, result: unknown): void {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(typeof result === "string" ? result : JSON.stringify(result));
    return;
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  if (structured.cookies?.length) headers["set-cookie"] = structured.cookies;
  const body = structured.body === undefined ? Buffer.alloc(0)
    : Buffer.from(structured.body, structured.isBase64Encoded ? "base64" : "utf8");
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(body);
}
