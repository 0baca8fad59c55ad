/**
 * A local endpoint for Lambda's Invoke API (REST JSON: `POST /2015-03-31/functions/<name>/invocations`) for the
 * real @aws-sdk/client-lambda. Each function is a JavaScript callback; a thrown error is answered the way Lambda
 * answers a function error (200 with `X-Amz-Function-Error: Unhandled` and an error payload), an unknown function
 * with ResourceNotFoundException.
 */
import { createServer } from "node:http";
import { listenOnLoopback } from "../../../local/listen";
import { readBody } from "../../../local/read-body";

export interface Invocation {
  functionName: string;
  invocationType: string;
  payload: unknown;
}

export interface LambdaStandIn {
  url: string;
  invocations: Invocation[];
  close(): Promise<void>;
}

export async function startLambdaStandIn(functions: Record<string, (event: unknown) => unknown>): Promise<LambdaStandIn> {
  const invocations: Invocation[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? "");
      const functionName = decodeURIComponent(match?.[1] ?? "");
      const fn = functions[functionName];
      if (!match || !fn) {
        res.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "ResourceNotFoundException" });
        res.end(JSON.stringify({ Type: "User", Message: `Function not found: ${functionName}` }));
        return;
      }
      const payload: unknown = JSON.parse(raw.toString("utf8") || "null");
      invocations.push({ functionName, invocationType: String(req.headers["x-amz-invocation-type"] ?? "RequestResponse"), payload });
      try {
        const result = await fn(payload);
        res.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST" });
        res.end(JSON.stringify(result ?? null));
      } catch (error) {
        res.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST", "x-amz-function-error": "Unhandled" });
        res.end(JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }));
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    invocations,
    close,
  };
}
