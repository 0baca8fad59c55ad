/**
 * Webhook Lambda: `POST /switchbot/webhook/{secret}` — SwitchBot changeReport deliveries → AMP (core:
 * handleSwitchbotWebhook). Reads the path secret from SSM (`webhook-path-secret`) and the device list from the
 * poller's state store (read-only; S3 GetObject in AWS).
 */
import { createAmpWriter, type AmpWriter } from "@ampgate/core/amp/remote-write-client";
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { createLogger } from "@ampgate/core/log/logger";
import { documentStoreFromEnv } from "@ampgate/core/state/document-store-from-env";
import { createDeviceDirectory, type DeviceDirectory } from "@ampgate/core/switchbot/device-directory";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import { handleSwitchbotWebhook } from "@ampgate/core/switchbot/webhook-receiver";
import { recordWebhookDelivery } from "@ampgate/core/telemetry/request-metrics";
import { ampHttpClient, secrets } from "./lib/deps";
import { httpHandler } from "./lib/http-handler";
import { selfMetrics } from "./lib/self-metrics";

const firstTime = createFirstTimeFilter();
let directory: DeviceDirectory | undefined;
let writer: AmpWriter | undefined;

export const handler = httpHandler("webhook", async (request, invocation) => {
  const metrics = selfMetrics("webhook");
  // The device list and the writer are built on first use, i.e. only once the path secret matched: a probe with a
  // wrong secret touches nothing else, and a missing state or AMP setting cannot make it answer differently from a
  // path with no route (test/security/secret-probing.test.ts).
  const devices: DeviceDirectory = { byId: () => (directory ??= createDeviceDirectory(documentStoreFromEnv(process.env))).byId() };
  // One writer per container; each write names its invocation's request id in the writer's log lines.
  const ampWriter = () => (writer ??= createAmpWriter({ client: ampHttpClient(), log: createLogger({ fields: { fn: "webhook" } }), onSettled: metrics.observeAmpWrite }));
  const response = await handleSwitchbotWebhook(
    request,
    {
      pathSecret: () => secrets(["webhook-path-secret"]).get("webhook-path-secret"),
      devices,
      writer: { write: (batch, options) => ampWriter().write(batch, { ...options, requestId: invocation.requestId }) },
      writeErrorToRequestError,
      log: invocation.log,
      firstTime,
    },
    { deadline: invocation.deadline },
  );
  recordWebhookDelivery(metrics.registry, response.status);
  return response;
});
