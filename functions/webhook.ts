/**
 * Webhook Lambda: `POST /switchbot/webhook/{secret}` — SwitchBot changeReport deliveries → AMP (core:
 * handleSwitchbotWebhook). Reads the path secret from SSM (`webhook-path-secret`) and the device list from the
 * poller's state store (read-only; S3 GetObject in AWS).
 */
import { createAmpWriter } from "@ampgate/core/amp/remote-write-client";
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { documentStoreFromEnv } from "@ampgate/core/state/document-store-from-env";
import { createDeviceDirectory, type DeviceDirectory } from "@ampgate/core/switchbot/device-directory";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import type { BatchWriter } from "@ampgate/core/switchbot/poller";
import { handleSwitchbotWebhook } from "@ampgate/core/switchbot/webhook-receiver";
import { ampHttpClient, secrets } from "./lib/deps";
import { httpHandler } from "./lib/http-handler";

const firstTime = createFirstTimeFilter();
let directory: DeviceDirectory | undefined;
let writer: BatchWriter | undefined;

export const handler = httpHandler("webhook", async (request, invocation) => {
  directory ??= createDeviceDirectory(documentStoreFromEnv(process.env));
  writer ??= createAmpWriter({ client: ampHttpClient(), log: invocation.log });
  return handleSwitchbotWebhook(
    request,
    {
      pathSecret: () => secrets(["webhook-path-secret"]).get("webhook-path-secret"),
      devices: directory,
      writer,
      writeErrorToRequestError,
      log: invocation.log,
      firstTime,
    },
    { deadline: invocation.deadline },
  );
});
