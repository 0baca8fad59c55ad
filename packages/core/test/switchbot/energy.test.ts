import { describe, expect, it } from "vitest";
import { advanceEnergy, type EnergyState } from "../../src/switchbot/energy";

const MINUTE = 60_000;
const GAP = 15 * MINUTE;

function run(readings: Array<{ minute: number; watts: number; dailyWh?: number }>, start?: EnergyState): EnergyState {
  let state = start;
  for (const { minute, watts, dailyWh } of readings) {
    state = advanceEnergy(state, { time: minute * MINUTE, watts, ...(dailyWh === undefined ? {} : { dailyWh }) }, GAP).state;
  }
  return state!;
}

describe("derived energy counter", () => {
  it("starts at 0 and integrates with the trapezoid rule over the actual intervals", () => {
    // 0→60 W over 5 min: 2.5 Wh; 60 W for 10 min: 10 Wh; 60→0 W over 1 min: 0.5 Wh.
    const state = run([{ minute: 0, watts: 0 }, { minute: 5, watts: 60 }, { minute: 15, watts: 60 }, { minute: 16, watts: 0 }]);
    expect(state.totalWh).toBeCloseTo(13, 9);
  });

  it("matches a washing-machine-like profile sampled every minute to within the trapezoid error", () => {
    const watts = (minute: number) => (minute < 15 ? 2000 : 300);
    const readings = Array.from({ length: 31 }, (_, minute) => ({ minute, watts: watts(minute) }));
    // 14 one-minute intervals at 2000 W, one sloped interval 2000→300 W, 15 at 300 W.
    expect(run(readings).totalWh).toBeCloseTo((14 * 2000 + (2000 + 300) / 2 + 15 * 300) / 60, 9);
  });

  it("does not integrate across a gap longer than the limit", () => {
    const state = run([{ minute: 0, watts: 100 }, { minute: 5, watts: 100 }, { minute: 65, watts: 100 }, { minute: 70, watts: 100 }]);
    expect(state.totalWh).toBeCloseTo(100 * (10 / 60), 9);
  });

  it("never moves for a reading that is not newer (a retried run)", () => {
    const state = run([{ minute: 0, watts: 100 }, { minute: 5, watts: 100 }]);
    const again = advanceEnergy(state, { time: 5 * MINUTE, watts: 500 }, GAP);
    expect(again.state).toEqual(state);
    expect(advanceEnergy(state, { time: 4 * MINUTE, watts: 500 }, GAP).addedWh).toBe(0);
  });

  it("is monotonic even with negative power glitches", () => {
    const state = run([{ minute: 0, watts: 10 }, { minute: 1, watts: -50 }, { minute: 2, watts: 10 }]);
    expect(state.totalWh).toBeGreaterThanOrEqual(0);
  });

  it("follows the device's own daily energy where it has one", () => {
    // The device says 40 Wh were used in 5 minutes, although the two power readings suggest 5 Wh.
    const state = run([{ minute: 0, watts: 60, dailyWh: 100 }, { minute: 5, watts: 60, dailyWh: 140 }]);
    expect(state.totalWh).toBeCloseTo(40, 9);
  });

  it("bridges the device's midnight reset of its daily energy", () => {
    const state = run([
      { minute: 0, watts: 120, dailyWh: 1_000 },
      { minute: 5, watts: 120, dailyWh: 4 }, // reset inside the interval; trapezoid says 10 Wh
      { minute: 10, watts: 120, dailyWh: 14 },
    ]);
    expect(state.totalWh).toBeCloseTo(10 + 10, 9);
  });

  it("covers a long gap from the device's daily energy when it has one", () => {
    const state = run([{ minute: 0, watts: 60, dailyWh: 100 }, { minute: 120, watts: 60, dailyWh: 220 }]);
    expect(state.totalWh).toBeCloseTo(120, 9);
  });

  it("ignores a daily-energy jump no plug could draw", () => {
    const state = run([{ minute: 0, watts: 60, dailyWh: 100 }, { minute: 1, watts: 60, dailyWh: 100_000 }]);
    expect(state.totalWh).toBeCloseTo(1, 9);
  });
});
