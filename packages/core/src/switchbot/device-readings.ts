/**
 * Applies the device table to one status body or webhook context: the readings it holds, in base units.
 *
 *   const { readings } = deviceReadings(kind, { temperature: 24.6, humidity: 70, battery: 100 }, "status");
 *   // [{ metric: "switchbot_temperature_celsius", labels: {}, value: 24.6 }, …]
 *
 * Also reports what the poller/webhook should log or count: numeric fields the table does not know (new firmware,
 * new products) and anomalies (implausible values dropped or rescaled).
 */
import { type DeviceKind, type FieldRule, METADATA_FIELDS } from "./device-table";
import type { RawRecord } from "./field-converters";
import { METRICS, type MetricName } from "./metric-catalog";

export type ReadingSource = "status" | "webhook";

export interface Reading {
  metric: MetricName;
  /** Labels the rule adds (`channel`, `component`); device labels are added by the caller. */
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface Anomaly {
  kind: "legacy_current_scale" | "out_of_range" | "unrecognised_value" | "all_zero_reading" | string;
  field: string;
  detail: string;
}

export interface DeviceReadings {
  readings: Reading[];
  /** Number/boolean fields present in the record that no rule (and no `ignored` entry) covers. */
  unknownFields: string[];
  anomalies: Anomaly[];
}

function valueAt(record: RawRecord, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const appliesTo = (rule: FieldRule, source: ReadingSource) => rule.only === undefined || rule.only === source;

export function deviceReadings(kind: DeviceKind, record: RawRecord, source: ReadingSource): DeviceReadings {
  const readings: Reading[] = [];
  const anomalies: Anomaly[] = [];
  const missing = zeroFields(kind, record);
  if (missing.size > 0) {
    anomalies.push({ kind: "all_zero_reading", field: [...missing].join(","), detail: "all zero: treated as missing (pitfall 6)" });
  }
  const seen = new Set<string>();
  for (const rule of kind.fields) {
    if (!appliesTo(rule, source) || missing.has(rule.field)) continue;
    const raw = valueAt(record, rule.field);
    if (raw === undefined || raw === null) continue;
    const field = rule.field;
    const value = rule.convert(raw, {
      record,
      anomaly: (anomalyKind, detail) => anomalies.push({ kind: anomalyKind, field, detail }),
    });
    if (value === undefined) {
      anomalies.push({ kind: "unrecognised_value", field, detail: `value ${JSON.stringify(raw).slice(0, 40)} not understood` });
      continue;
    }
    const range = (METRICS[rule.metric] as { range?: readonly [number, number] }).range;
    if (range && (value < range[0] || value > range[1])) {
      anomalies.push({ kind: "out_of_range", field, detail: `${value} outside ${range[0]}..${range[1]} for ${rule.metric}` });
      continue;
    }
    const key = rule.metric + JSON.stringify(rule.labels ?? {});
    if (seen.has(key)) continue;
    seen.add(key);
    readings.push({ metric: rule.metric, labels: rule.labels ?? {}, value });
  }
  return { readings, unknownFields: unknownFields(kind, record), anomalies };
}

function zeroFields(kind: DeviceKind, record: RawRecord): Set<string> {
  const fields = kind.zeroMeansMissing ?? [];
  const allZero = fields.length > 0 && fields.every((field) => record[field] === 0);
  return allZero ? new Set(fields) : new Set();
}

function unknownFields(kind: DeviceKind, record: RawRecord): string[] {
  const known = new Set([...kind.fields.map((rule) => rule.field.split(".")[0]!), ...(kind.ignored ?? [])]);
  return Object.entries(record)
    .filter(([key]) => !METADATA_FIELDS.has(key) && !known.has(key))
    .filter(([, value]) => typeof value === "number" || typeof value === "boolean")
    .map(([key]) => key);
}
