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
 * - Access logs: SST's JSON access-log format, retention bounded by AMPGATE_ACCESS_LOG_RETENTION.
 * - CORS: off. The chart page is served by this API (`GET /`), so its requests are same-origin; only origins
 *   listed in AMPGATE_CORS_ORIGINS (e.g. a dashboard hosted elsewhere) are allowed, never `*`.
 */
import type { HttpFunctionName } from "../functions/routes";
import { ROUTES, routeKey } from "../functions/routes";
import type { StageConfig } from "./stage-config";

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
      },
    },
  });

  for (const route of ROUTES) {
    api.route(routeKey(route), functions[route.fn].arn);
  }

  return { api, url: api.url };
}
