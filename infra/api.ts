/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The HTTP API: exactly the routes of functions/routes.ts (the table the local runner serves), each to its
 * function. Nothing here lists a route.
 *
 * - Throttling: stage-wide rate/burst (API Gateway answers 429 above it, which every pusher retries), so a
 *   misbehaving sender or a token-guessing loop costs at most that many Lambda invocations.
 * - Payload size: an HTTP API caps request bodies at 10 MB and Lambda's synchronous payload at 6 MB (base64
 *   included); neither is configurable, so the functions enforce their own smaller per-format limits and answer
 *   413 with the limit in the message (functions/ingest.ts MAX_BODY_BYTES).
 * - Access logs: our own JSON format (ACCESS_LOG_FORMAT), retention bounded by AMPGATE_ACCESS_LOG_RETENTION.
 * - CORS: off. The chart page is served by this API (`GET /`), so its requests are same-origin; only origins
 *   listed in AMPGATE_CORS_ORIGINS (e.g. a dashboard hosted elsewhere) are allowed, never `*`.
 */
import type { HttpFunctionName } from "../functions/routes";
import { ROUTES, routeKey } from "../functions/routes";
import type { StageConfig } from "./stage-config";

/**
 * One JSON object per request. Replaces SST's default format for two reasons:
 * - SST's logs `$context.path`, and the webhook route's path *is* a secret (`/switchbot/webhook/{secret}`); the
 *   route key (`POST /switchbot/webhook/{secret}`) says the same without it. Query strings are never logged.
 * - SST builds its format with JSON.stringify, which quotes every value — `status` becomes the string "503", and
 *   the 5xx metric filter (infra/alarms.ts) needs it as a number. `status` and `responseLatency` are always
 *   numbers; every other value is quoted.
 */
export const ACCESS_LOG_FORMAT = `{${[
  `"requestTime":"$context.requestTime"`,
  `"requestId":"$context.requestId"`,
  `"httpMethod":"$context.httpMethod"`,
  `"routeKey":"$context.routeKey"`,
  `"status":$context.status`,
  `"responseLatency":$context.responseLatency`,
  `"responseLength":"$context.responseLength"`,
  `"integrationStatus":"$context.integration.status"`,
  `"integrationLatency":"$context.integration.latency"`,
  `"integrationError":"$context.integration.error"`,
  `"ip":"$context.identity.sourceIp"`,
  `"userAgent":"$context.identity.userAgent"`,
].join(",")}}`;

export interface HttpApi {
  api: sst.aws.ApiGatewayV2;
  url: $util.Output<string>;
}

export function httpApi(config: StageConfig, functions: Record<HttpFunctionName, sst.aws.Function>): HttpApi {
  const { corsOrigins, rateLimit, burstLimit } = config.api;
  const api = new sst.aws.ApiGatewayV2("Api", {
    cors: corsOrigins.length === 0
      ? false
      : {
          allowOrigins: corsOrigins,
          allowMethods: ["GET", "POST"],
          // Grafana and the chart page send the token as a bearer header; form POSTs carry a content type.
          allowHeaders: ["authorization", "content-type"],
          allowCredentials: false,
          maxAge: "1 hour",
        },
    accessLog: { retention: config.accessLogRetention },
    transform: {
      stage: (args) => {
        args.defaultRouteSettings = {
          throttlingRateLimit: rateLimit,
          throttlingBurstLimit: burstLimit,
        };
        args.accessLogSettings = $util.output(args.accessLogSettings).apply((settings) => ({
          destinationArn: settings!.destinationArn,
          format: ACCESS_LOG_FORMAT,
        }));
      },
    },
  });

  for (const route of ROUTES) {
    api.route(routeKey(route), functions[route.fn].arn);
  }

  return { api, url: api.url };
}
