/**
 * `POST /switchbot/webhook/{secret}`: SwitchBot `changeReport` deliveries → samples in AMP, immediately.
 *
 *   const response = await handleSwitchbotWebhook(request, deps, { deadline });
 *
 * SwitchBot signs nothing (reference §6.3, SBA#108, #333), so the defences are, in order:
 * 1. the unguessable path secret (SSM `webhook-path-secret`), compared in constant time on SHA-256 digests
 *    (auth/token-hash.ts). A wrong secret gets exactly the answer API Gateway gives for a path with no route —
 *    `404 {"message":"Not Found"}` — after the same work, so neither the body nor the timing tells a prober that
 *    the route exists;
 * 2. a size cap (real deliveries are a few hundred bytes) and strict JSON shape (`webhook-payload.ts`);
 * 3. only `deviceMac`s in the poller's cached device list are accepted, and readings are mapped through the same
 *    device table as polls, with the same plausible ranges: an implausible value refuses the whole delivery.
 * Anything refused writes nothing.
 *
 * Deliveries are routed by MAC to the device list's deviceType, never by `context.deviceType`, which is missing
 * or wrong on some deliveries (SBA#266, #230). Samples are stamped with `timeOfSample` and carry
 * `source="webhook"`: deliveries arrive late (up to ~1 min, SBA#214) and out of order, while polled samples carry
 * the schedule's time, so the two must be separate series — AMP ingests each series in timestamp order.
 */
import { findByToken, hashToken } from "../auth/token-hash";
import { RequestError } from "../errors";
import { emptyResponse, jsonResponse, textResponse, type CoreRequest, type CoreResponse } from "../http";
import type { Logger } from "../log/logger";
import { BatchBuilder } from "./batch-builder";
import type { DeviceDirectory } from "./device-directory";
import { deviceLabels } from "./device-list";
import { deviceReadings } from "./device-readings";
import { deviceKindFor } from "./device-table";
import type { FirstTimeFilter } from "./log-once";
import type { BatchWriter } from "./poller";
import { parseWebhookDelivery } from "./webhook-payload";

/** Real deliveries are well under 1 KiB. */
export const WEBHOOK_MAX_BODY_BYTES = 16 * 1024;

/** How far `timeOfSample` may be from now: AMP refuses samples older than about an hour; clocks drift a little. */
const MAX_SAMPLE_AGE_MS = 55 * 60_000;
const MAX_SAMPLE_FUTURE_MS = 5 * 60_000;

export interface WebhookDeps {
  /** The path secret (SSM `webhook-path-secret`); undefined when it is not configured (then every delivery is 404). */
  pathSecret: () => Promise<string | undefined>;
  devices: DeviceDirectory;
  writer: BatchWriter;
  writeErrorToRequestError: (error: unknown) => RequestError;
  log: Logger;
  firstTime: FirstTimeFilter;
  now?: () => number;
}

/** Byte for byte what API Gateway answers for a path that matches no route (and what the local runner mimics). */
export const NOT_FOUND: CoreResponse = jsonResponse(404, { message: "Not Found" });

/** A well-formed digest that no secret hashes to, compared when no secret is configured so timing stays the same. */
const NO_SECRET_DIGEST = "0".repeat(64);

export async function handleSwitchbotWebhook(
  request: CoreRequest,
  deps: WebhookDeps,
  options: { deadline: number },
): Promise<CoreResponse> {
  const now = deps.now ?? Date.now;
  const started = now();
  const secret = await deps.pathSecret();
  const presented = request.pathParameters.secret ?? "";
  const match = findByToken([{ sha256: secret ? hashToken(secret) : NO_SECRET_DIGEST }], presented);
  if (!match || !secret) {
    // Logged like any refusal, so probing shows up (never the presented path); the answer stays API Gateway's 404.
    deps.log.warn("webhook delivery refused", { status: 404, reason: "unknown_path", error: "no webhook at this path", durationMs: now() - started });
    return NOT_FOUND;
  }

  try {
    const written = await accept(request, deps, now, options.deadline);
    deps.log.info("webhook delivery", { status: 204, ...written, durationMs: now() - started });
    return emptyResponse(204);
  } catch (error) {
    const refusal = error instanceof RequestError ? error : deps.writeErrorToRequestError(error);
    (refusal.status >= 500 ? deps.log.error : deps.log.warn)("webhook delivery refused", {
      status: refusal.status,
      reason: refusal.reason,
      error: refusal.message,
      durationMs: now() - started,
    });
    return textResponse(refusal.status, refusal.message, refusal.responseHeaders());
  }
}

async function accept(request: CoreRequest, deps: WebhookDeps, now: () => number, deadline: number) {
  if (request.body.byteLength > WEBHOOK_MAX_BODY_BYTES) {
    throw new RequestError(413, "body_too_large", `webhook body is ${request.body.byteLength} bytes; the limit is ${WEBHOOK_MAX_BODY_BYTES}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(request.body));
  } catch {
    throw new RequestError(400, "invalid_json", "webhook body is not valid UTF-8 JSON");
  }
  const parsed = parseWebhookDelivery(json);
  if (!parsed.ok) throw new RequestError(400, "invalid_delivery", `not a SwitchBot changeReport: ${parsed.problem}`);
  const context = parsed.delivery.context;
  const mac = context.deviceMac.toUpperCase();

  const received = now();
  const time = context.timeOfSample ?? received;
  if (time < received - MAX_SAMPLE_AGE_MS || time > received + MAX_SAMPLE_FUTURE_MS) {
    throw new RequestError(400, "invalid_time", `context.timeOfSample ${time} is not within the last ${MAX_SAMPLE_AGE_MS / 60_000} minutes`);
  }

  const devices = await deps.devices.byId();
  if (!devices) {
    throw new RequestError(503, "device_list_unavailable", "the device list has not been loaded by the poller yet; retry later", {
      retryAfterSeconds: 60,
    });
  }
  const device = devices.get(mac);
  if (!device) throw new RequestError(422, "unknown_device", `context.deviceMac ${mac} is not a device of this SwitchBot account`);
  const kind = deviceKindFor(device.type);
  if (!kind) throw new RequestError(422, "unknown_device_type", `device ${mac} has deviceType ${JSON.stringify(device.type)}, which ampgate does not map`);
  if (context.deviceType !== undefined && !kind.webhookTypes.includes(context.deviceType) && deps.firstTime(`webhook-type:${mac}:${context.deviceType}`)) {
    deps.log.info("webhook deviceType differs from the device list's; routed by MAC", {
      deviceId: mac,
      listType: device.type,
      webhookType: context.deviceType,
    });
  }

  const result = deviceReadings(kind, context, "webhook");
  const implausible = result.anomalies.find((anomaly) => anomaly.kind === "out_of_range");
  if (implausible) {
    throw new RequestError(400, "value_out_of_range", `context.${implausible.field}: ${implausible.detail}`);
  }
  for (const field of result.unknownFields) {
    if (deps.firstTime(`webhook-field:${device.type}:${field}`)) {
      deps.log.warn("unknown SwitchBot webhook field skipped", { deviceType: device.type, field });
    }
  }

  const labels = deviceLabels(device);
  const batch = new BatchBuilder(time);
  for (const reading of result.readings) batch.add(reading.metric, { ...labels, ...reading.labels, source: "webhook" }, reading.value);
  batch.add("switchbot_last_event_timestamp_seconds", labels, time / 1000);
  await deps.writer.write(batch.build(), { deadline });
  return { deviceId: mac, readings: result.readings.length, timeOfSample: time, delayMs: received - time };
}
