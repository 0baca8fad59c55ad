/**
 * Is this number a Unix-epoch timestamp in milliseconds, and if not, which unit does it look like?
 *
 * Remote write timestamps are int64 milliseconds (reference §1.6). The commonest sender bug is another unit:
 * seconds from `time.time()` on a Pi, or nanoseconds from Telegraf/Influx (whose default precision is ns,
 * reference §5.2). Each unit has a plausible window — the years 1973 to 2286 expressed in that unit — and the
 * windows do not overlap, so a value lands in at most one of them.
 */

export interface TimestampUnit {
  name: "seconds" | "milliseconds" | "microseconds" | "nanoseconds";
  /** How many of this unit make one millisecond (seconds: 1/1000). */
  perMillisecond: number;
}

/** 1e11 ms is 1973-03-03; 1e13 ms is 2286-11-20. */
const PLAUSIBLE_MS = { min: 1e11, max: 1e13 } as const;

const UNITS: readonly TimestampUnit[] = [
  { name: "seconds", perMillisecond: 1e-3 },
  { name: "milliseconds", perMillisecond: 1 },
  { name: "microseconds", perMillisecond: 1e3 },
  { name: "nanoseconds", perMillisecond: 1e6 },
];

const PLAUSIBLE_MS_RANGE_TEXT = "1973-03-03..2286-11-20";

export function isPlausibleMilliseconds(timestamp: number): boolean {
  return timestamp >= PLAUSIBLE_MS.min && timestamp < PLAUSIBLE_MS.max;
}

/** The unit whose plausible window contains `timestamp`, or undefined when it fits none. */
export function guessTimestampUnit(timestamp: number): TimestampUnit | undefined {
  return UNITS.find(
    (unit) => timestamp >= PLAUSIBLE_MS.min * unit.perMillisecond && timestamp < PLAUSIBLE_MS.max * unit.perMillisecond,
  );
}

/** "looks like seconds" / "is not a plausible date" — the tail of a rejection message. */
export function describeTimestampUnit(timestamp: number): string {
  const unit = guessTimestampUnit(timestamp);
  if (unit && unit.name !== "milliseconds") return `looks like ${unit.name}, not milliseconds since the Unix epoch`;
  return `is not a millisecond Unix timestamp within ${PLAUSIBLE_MS_RANGE_TEXT}`;
}
