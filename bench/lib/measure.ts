/**
 * Timing on a shared machine (2 cores, other engineers' tests running): every case of a comparison runs in the
 * same process, interleaved round by round, so contention hits baseline and candidate alike; each case's number
 * is the median of its per-round medians, and ratios are taken per round and then their median.
 */

export interface TimedCase {
  name: string;
  run: () => unknown;
}

export interface InterleaveOptions {
  /** Rounds of all cases, one after the other. */
  rounds: number;
  /** Timed runs per case per round (the round's median is kept). */
  runsPerRound: number;
  /** Untimed runs per case before the first round (JIT, caches). */
  warmup: number;
}

export type RoundTimes = Record<string, number[]>;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Milliseconds per run of each case, one median per round. */
export function interleave(cases: readonly TimedCase[], options: InterleaveOptions): RoundTimes {
  for (const c of cases) for (let i = 0; i < options.warmup; i++) c.run();
  const times: RoundTimes = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const c of cases) {
      const runs: number[] = [];
      for (let i = 0; i < options.runsPerRound; i++) {
        const start = performance.now();
        c.run();
        runs.push(performance.now() - start);
      }
      times[c.name]!.push(median(runs));
    }
  }
  return times;
}

/** Median over rounds of `numerator / denominator` (per-round ratio: both saw the same contention). */
export function roundRatio(times: RoundTimes, numerator: string, denominator: string): number {
  const a = times[numerator]!;
  const b = times[denominator]!;
  return median(a.map((value, i) => value / b[i]!));
}
