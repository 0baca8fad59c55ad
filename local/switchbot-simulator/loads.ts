/**
 * The simulated home's electrical loads and climate, as pure functions of time (epoch ms, UTC), so every value
 * the simulator serves can be recomputed by a test for the same instant.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A smooth deterministic wobble: amplitude × sin(2π·t/period + phase). */
export function wobble(at: number, periodMs: number, amplitude: number, phase = 0): number {
  return amplitude * Math.sin((2 * Math.PI * at) / periodMs + phase);
}

/** Hours since UTC midnight, fractional. */
export const hourOfDay = (at: number) => ((at % DAY) + DAY) % DAY / 3_600_000;

/**
 * A washing machine programme repeating every 90 minutes: fill, heat (the 2 kW element), wash (the drum turning
 * both ways), rinse, spin, then standby. Energy per cycle ≈ 0.9 kWh, like a real 40 °C cotton programme.
 */
export const WASHING_CYCLE_MINUTES = 90;
const WASHING_PHASES: ReadonlyArray<{ until: number; watts: (minute: number) => number }> = [
  { until: 3, watts: () => 8 },
  { until: 18, watts: () => 2_050 },
  { until: 60, watts: (minute) => 260 + 140 * Math.sin(minute * 1.7) },
  { until: 70, watts: () => 190 },
  { until: 78, watts: (minute) => 420 + 80 * Math.sin(minute * 3.1) },
  { until: WASHING_CYCLE_MINUTES, watts: () => 1.4 },
];

export function washingMachineWatts(at: number): number {
  const minute = ((at / MINUTE) % WASHING_CYCLE_MINUTES + WASHING_CYCLE_MINUTES) % WASHING_CYCLE_MINUTES;
  const phase = WASHING_PHASES.find((candidate) => minute < candidate.until) ?? WASHING_PHASES[WASHING_PHASES.length - 1]!;
  return round(phase.watts(minute), 1);
}

/** A desk fan: on for 20 minutes, off for 10, cycling through three speeds while on. */
export function fanWatts(at: number): number {
  const minute = ((at / MINUTE) % 30 + 30) % 30;
  if (minute >= 20) return 0;
  const speedWatts = [18, 27, 38][Math.floor(minute / 7)] ?? 38;
  return round(speedWatts + wobble(at, 47_000, 0.8), 1);
}

/** A home office (monitor, laptop, lamp) on a Plug Mini (EU): busy 08-18 UTC, standby otherwise. */
export function officeWatts(at: number): number {
  const hour = hourOfDay(at);
  if (hour < 8 || hour >= 18) return 3.2;
  return round(95 + wobble(at, 13 * MINUTE, 25) + wobble(at, 170_000, 6), 1);
}

/** ∫ watts dt from `from` to `to` in watt-minutes (trapezoid over 15 s steps): the EU plug's `usedElectricity`. */
export function wattMinutes(watts: (at: number) => number, from: number, to: number): number {
  const step = 15_000;
  let total = 0;
  for (let at = from; at < to; at += step) {
    const end = Math.min(at + step, to);
    total += ((watts(at) + watts(end)) / 2) * ((end - at) / MINUTE);
  }
  return total;
}

export const utcMidnight = (at: number) => Math.floor(at / DAY) * DAY;

export function indoorCelsius(at: number, base: number): number {
  return round(base + wobble(at - 4 * 3_600_000, DAY, 1.6) + wobble(at, 37 * MINUTE, 0.2), 1);
}

export function outdoorCelsius(at: number): number {
  return round(12 + wobble(at - 9 * 3_600_000, DAY, 8) + wobble(at, 53 * MINUTE, 0.5), 1);
}

export function humidityPercent(at: number, base: number): number {
  return Math.round(base + wobble(at, DAY, 6, 1) + wobble(at, 41 * MINUTE, 2));
}

/** CO2 in an office: outdoor baseline, rising while someone works there (08-18 UTC). */
export function officeCo2(at: number): number {
  const hour = hourOfDay(at);
  const occupied = hour >= 8 && hour < 18 ? 520 * Math.min(1, (hour - 8) / 3) : 0;
  return Math.round(430 + occupied + wobble(at, 23 * MINUTE, 40));
}

/** Hub 2 light level 1-20, following daylight. */
export function lightLevel(at: number): number {
  const daylight = Math.max(0, Math.sin(((hourOfDay(at) - 6) / 12) * Math.PI));
  return Math.max(1, Math.min(20, Math.round(1 + 19 * daylight)));
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
