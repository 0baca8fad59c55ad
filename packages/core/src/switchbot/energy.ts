/**
 * The derived energy counter `switchbot_energy_watt_hours_total`, one per plug (per channel on a Relay 2PM).
 *
 * US/JP Plug Minis report only instantaneous power (`weight`, reference §4.3), so energy is integrated with the
 * trapezoid rule over the actual interval between two readings. Plug Mini (EU) and Relay Switch 1PM/2PM also
 * report `usedElectricity` (energy since their day start); where it exists it is the authority — the counter
 * advances by its increase — and the trapezoid only fills the interval in which it reset at the device's midnight.
 *
 * Gaps: an interval longer than `maxGapMs` (the plug was offline, polls failed, AMP writes were refused…) is not
 * integrated from power readings — nobody knows what the load did — and is reported; the device's own daily
 * figure, where it exists, still covers it.
 *
 * The counter only ever increases (negative or implausible increments are dropped), so `increase()` and
 * `rate()` in PromQL give kWh per day and cost per device. State is small and lives in the poller's state
 * document (see `poll-state.ts` for where and why).
 */

export interface EnergyState {
  /** Epoch ms of the reading this state ends at. */
  time: number;
  /** Power at `time`, W. */
  watts: number;
  /** The counter's value, Wh. */
  totalWh: number;
  /** The device's own since-day-start energy at `time`, Wh, where it has one. */
  dailyWh?: number;
}

export interface EnergyReading {
  time: number;
  watts: number;
  dailyWh?: number;
}

export interface EnergyStep {
  state: EnergyState;
  addedWh: number;
  /** Why nothing or less than a full interval was added (for a debug/warn log), if anything unusual happened. */
  note?: string;
}

/** The highest power any supported plug or relay can carry (16 A × 250 V with margin); bounds bad increments. */
const MAX_WATTS = 5_000;

export function advanceEnergy(previous: EnergyState | undefined, reading: EnergyReading, maxGapMs: number): EnergyStep {
  const watts = Math.max(0, reading.watts);
  const next = (totalWh: number): EnergyState => ({
    time: reading.time,
    watts,
    totalWh,
    ...(reading.dailyWh !== undefined ? { dailyWh: reading.dailyWh } : {}),
  });
  if (!previous) return { state: next(0), addedWh: 0 };
  // A retried or out-of-order run: never move the counter backwards or count an interval twice.
  if (reading.time <= previous.time) return { state: previous, addedWh: 0, note: "reading not newer than the last one" };

  const hours = (reading.time - previous.time) / 3_600_000;
  const withinGap = reading.time - previous.time <= maxGapMs;
  const trapezoidWh = withinGap ? ((previous.watts + watts) / 2) * hours : undefined;
  const ceilingWh = MAX_WATTS * hours;

  let addedWh: number;
  let note: string | undefined;
  if (reading.dailyWh !== undefined && previous.dailyWh !== undefined) {
    if (reading.dailyWh >= previous.dailyWh) {
      addedWh = reading.dailyWh - previous.dailyWh;
    } else {
      // The device's day counter reset inside this interval: what came after the reset is `dailyWh`; the part
      // before it is unknown, so the trapezoid estimate of the whole interval is used when it is larger.
      addedWh = Math.max(reading.dailyWh, trapezoidWh ?? 0);
      note = "device daily energy counter reset";
    }
    if (addedWh > ceilingWh) {
      addedWh = trapezoidWh ?? 0;
      note = `device daily energy jumped more than ${MAX_WATTS} W could use; used the power readings instead`;
    }
  } else if (trapezoidWh !== undefined) {
    addedWh = trapezoidWh;
  } else {
    addedWh = 0;
    note = `gap of ${Math.round((reading.time - previous.time) / 1000)} s is longer than ${maxGapMs / 1000} s; not integrated`;
  }
  addedWh = Math.min(Math.max(0, addedWh), ceilingWh);
  return { state: next(previous.totalWh + addedWh), addedWh, ...(note ? { note } : {}) };
}
