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
  directory ??= createDeviceDirectory(documentStoreFromEnv(process.env));
  const metrics = selfMetrics("webhook");
  // One writer per container; each write names its invocation's request id in the writer's log lines.
  writer ??= createAmpWriter({ client: ampHttpClient(), log: createLogger({ fields: { fn: "webhook" } }), onSettled: metrics.observeAmpWrite });
  const ampWriter = writer;
  const response = await handleSwitchbotWebhook(
    request,
    {
      pathSecret: () => secrets(["webhook-path-secret"]).get("webhook-path-secret"),
      devices: directory,
      writer: { write: (batch, options) => ampWriter.write(batch, { ...options, requestId: invocation.requestId }) },
      writeErrorToRequestError,
      log: invocation.log,
      firstTime,
    },
    { deadline: invocation.deadline },
  );
  recordWebhookDelivery(metrics.registry, response.status);
  return response;
});
