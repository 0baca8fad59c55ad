/**
 * The `precision` query parameter of InfluxDB's write APIs and the conversion of line-protocol timestamps to the
 * milliseconds Prometheus stores.
 *
 * v2 `/api/v2/write` documents `ns|us|ms|s`; v1 `/write` documents `n|ns|u|ms|s|m|h`. Both are accepted on both
 * routes: a client that sends a value one of them knows is asking for exactly that unit. Default: nanoseconds.
 */
import { badRequest } from "../../errors";

const NANOS_PER_UNIT: Record<string, bigint> = {
  n: 1n, ns: 1n,
  u: 1_000n, us: 1_000n, "µ": 1_000n, "µs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NANOS_PER_MILLI = 1_000_000n;

export interface Precision {
  name: string;
  nanos: bigint;
}

export function parsePrecision(value: string | null): Precision {
  const name = value === null || value === "" ? "ns" : value;
  const nanos = NANOS_PER_UNIT[name];
  if (nanos === undefined) {
    throw badRequest("invalid_precision", `precision ${JSON.stringify(name)} is not one of ns, us, ms, s (v1 also: n, u, m, h)`);
  }
  return { name, nanos };
}

/**
 * A line timestamp in `precision` units → epoch ms, or undefined when it is outside what InfluxDB can store
 * (int64 nanoseconds). Integer division truncates toward zero, as Telegraf's `UnixNano() / 1e6` does.
 */
export function timestampToMillis(timestamp: bigint, precision: Precision): number | undefined {
  const nanos = timestamp * precision.nanos;
  if (nanos < INT64_MIN || nanos > INT64_MAX) return undefined;
  return Number(nanos / NANOS_PER_MILLI);
}

/** A line without a timestamp gets the server's time truncated to the precision, as InfluxDB does. */
export function defaultTimestampMillis(nowMs: number, precision: Precision): number {
  const unitMs = Number(precision.nanos) / 1e6;
  return unitMs <= 1 ? nowMs : Math.floor(nowMs / unitMs) * unitMs;
}
