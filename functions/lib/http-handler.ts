/**
 * The shape every HTTP Lambda shares: API Gateway v2 event → CoreRequest → core route → CoreResponse → result.
 *
 *   export const handler = httpHandler("ingest", (request, invocation) => ingest.handle(request, invocation));
 *
 * The middy pipeline adds one safety net: an error that escapes the core route (a bug) becomes a 500 with a
 * generic message and an `error` log line, never a Lambda crash whose text API Gateway would hide anyway.
 */
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { CoreRequest, CoreResponse } from "@ampgate/core/http";
import { createLogger, type Logger } from "@ampgate/core/log/logger";
import { toApiGatewayResult, toCoreRequest } from "./apigw";
import { selfMetrics } from "./self-metrics";

export interface Invocation {
  /** Epoch ms by which the response must be on its way (the Lambda's deadline minus a safety margin). */
  deadline: number;
  requestId: string;
  log: Logger;
}

/** Time kept back from the Lambda timeout to build and return a response after giving up on AMP. */
export const RESPONSE_MARGIN_MS = 500;

export type CoreRoute = (request: CoreRequest, invocation: Invocation) => Promise<CoreResponse>;

export function httpHandler(fn: string, route: CoreRoute) {
  const log = createLogger({ fields: { fn } });
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use({
      name: "unexpectedErrorAs500",
      onError: (request) => {
        log.error("unhandled error", { requestId: request.context.awsRequestId, error: request.error });
        request.response = {
          statusCode: 500,
          headers: { "content-type": "text/plain; charset=utf-8" },
          body: "internal error; see the function's logs",
        };
      },
    })
    .handler(async (event, context) => {
      const request = toCoreRequest(event);
      const invocation: Invocation = {
        deadline: Date.now() + context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MS,
        requestId: request.requestId,
        log: log.child({ requestId: request.requestId }),
      };
      const response = await route(request, invocation);
      // After the answer is decided, so this request is in the snapshot; at most once per interval (docs/metrics.md).
      await selfMetrics(fn).flushIfDue({ deadline: invocation.deadline, requestId: request.requestId });
      return toApiGatewayResult(response);
    });
}
