/** A webhook delivery as the webhook Lambda's core route receives it (`POST /switchbot/webhook/{secret}`). */
import type { CoreRequest } from "@ampgate/core/http";

export function webhookRequest(secret: string, body: Uint8Array | string): CoreRequest {
  return {
    method: "POST",
    routeKey: "POST /switchbot/webhook/{secret}",
    path: `/switchbot/webhook/${secret}`,
    headers: { "content-type": "application/json" },
    query: new URLSearchParams(),
    pathParameters: { secret },
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
    requestId: "webhook-test",
    sourceIp: "203.0.113.9",
  };
}
