import { describe, expect, it } from "vitest";
import { isDueThisRun, planQuota, runNumberOf, type QuotaSettings } from "../../src/switchbot/quota-budget";

const settings = (overrides: Partial<QuotaSettings> = {}): QuotaSettings => ({
  dailyLimit: 10_000,
  share: 0.8,
  intervalSeconds: 300,
  listRefreshSeconds: 6 * 3600,
  maxDeviceIntervalSeconds: 900,
  ...overrides,
});

describe("quota budget (reference §3)", () => {
  it("fits 26 devices every 5 minutes in 8,000 calls/day, as the reference computes", () => {
    // 288 runs/day × 26 = 7,488 + 4 list refreshes = 7,492 ≤ 8,000
    const plan = planQuota(settings(), 26);
    expect(plan).toMatchObject({ budgetPerDay: 8_000, runsPerDay: 288, listCallsPerDay: 4, neededPerDay: 7_492, plannedPerDay: 7_492, spread: 1 });
    expect(plan.refused).toBeUndefined();
  });

  it("spreads devices over runs when every-run polling would exceed the budget", () => {
    // 1-minute schedule: 1,440 runs/day; 8 devices need 11,520 + 4 → spread 2 → 5,760 + 4.
    const plan = planQuota(settings({ intervalSeconds: 60 }), 8);
    expect(plan).toMatchObject({ neededPerDay: 11_524, spread: 2, plannedPerDay: 5_764 });
    expect(plan.plannedPerDay).toBeLessThanOrEqual(plan.budgetPerDay);
    expect(plan.refused).toBeUndefined();
  });

  it("refuses, naming the numbers, when spreading would leave devices unread too long", () => {
    const plan = planQuota(settings({ intervalSeconds: 60, maxDeviceIntervalSeconds: 300 }), 40);
    // 40 × 1,440 = 57,600 needed; spread 8 → 8 minutes > 5 minutes allowed.
    expect(plan.spread).toBe(8);
    expect(plan.refused).toMatch(/40 device\(s\) every 60 s .* needs 57604 calls\/day, over the budget of 8000 calls\/day \(80% of 10000\)/);
    expect(plan.refused).toMatch(/every 480 s, longer than the allowed 300 s/);
    expect(plan.plannedPerDay).toBe(plan.listCallsPerDay);
  });

  it("honours the configured share of the quota", () => {
    expect(planQuota(settings({ share: 0.5 }), 16).spread).toBe(1); // 4,608 + 4 ≤ 5,000
    expect(planQuota(settings({ share: 0.5 }), 18).spread).toBe(2); // 5,184 + 4 > 5,000
  });

  it("refuses a list refresh schedule that alone exceeds the budget", () => {
    const plan = planQuota(settings({ share: 0.01, intervalSeconds: 60, listRefreshSeconds: 60 }), 1);
    expect(plan.refused).toMatch(/device-list refreshes alone \(1440\/day\) exceed/);
  });

  it("polls every device exactly once per spread window, balanced across runs", () => {
    const spread = 3;
    const devices = 10;
    const perRun: number[] = [];
    const reads = new Array<number>(devices).fill(0);
    for (let run = 100; run < 100 + spread; run++) {
      let count = 0;
      for (let index = 0; index < devices; index++) {
        if (isDueThisRun(index, run, spread)) {
          reads[index]!++;
          count++;
        }
      }
      perRun.push(count);
    }
    expect(reads.every((n) => n === 1)).toBe(true);
    expect(Math.max(...perRun) - Math.min(...perRun)).toBeLessThanOrEqual(1);
  });

  it("numbers runs by scheduled time, so a retry of a run is the same run", () => {
    expect(runNumberOf(Date.UTC(2026, 0, 1, 0, 5), 300)).toBe(runNumberOf(Date.UTC(2026, 0, 1, 0, 5, 0, 999), 300));
    expect(runNumberOf(Date.UTC(2026, 0, 1, 0, 10), 300) - runNumberOf(Date.UTC(2026, 0, 1, 0, 5), 300)).toBe(1);
  });
});
