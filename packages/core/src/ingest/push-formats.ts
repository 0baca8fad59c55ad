/**
 * Every push format ampgate accepts, by name. A route in functions/routes.ts selects one with `format`.
 * Adding a format = a module in formats/ + one line here + routes in the route table.
 */
import { remoteWriteFormat } from "../formats/remote-write";
import { influxV1Format, influxV2Format } from "../formats/influx/influx-push-format";
import { prometheusTextFormat } from "../formats/prometheus-text/prometheus-text-push-format";
import { jsonPushFormat } from "../formats/json/json-push-format";
import { otlpFormat } from "../formats/otlp/otlp-push-format";
import type { PushFormat } from "./push-format";

export const PUSH_FORMATS = {
  "remote-write": remoteWriteFormat,
  "influx-v1": influxV1Format,
  "influx-v2": influxV2Format,
  "prometheus-text": prometheusTextFormat,
  json: jsonPushFormat,
  otlp: otlpFormat,
} as const satisfies Record<string, PushFormat>;

export type PushFormatName = keyof typeof PUSH_FORMATS;
