/**
 * Timing on a shared machine (2 cores, other engineers' tests running): every case of a comparison runs in the
 * same process, interleaved round by round, so contention hits baseline and candidate alike; each case's number
 * is the median of its per-round medians, and ratios are taken per round and then their median.
 *
 * The clock is this thread's CPU time (`process.threadCpuUsage`, getrusage RUSAGE_THREAD), not wall time: with
 * the cores shared, wall time of the same work was seen at 2–3× its CPU time, depending on who else ran.
 * CPU time of the main thread is "on one core" by definition; V8's background GC/compiler threads are not in
 * it (their cost shows up as main-thread GC pauses when it matters). That clock only advances at scheduler
 * ticks (increments of 0.02–4 ms were seen), so each case runs often enough per round to take ~`roundMs`, and
 * the round's time is the total divided by the runs. A full garbage collection runs (untimed) before each case's
 * block, so no case pays for the garbage another one left (the reflection baseline leaves a lot).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** CPU time of the calling thread, ms. */
export function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

export interface TimedCase {
  name: string;
  run: () => unknown;
}

export interface InterleaveOptions {
  /** Rounds of all cases, one after the other. */
  rounds: number;
  /** CPU time each case should take per round; its runs per round are set from its warm-up speed. */
  roundMs: number;
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

/** CPU milliseconds per run of each case, one number per round. */
export function interleave(cases: readonly TimedCase[], options: InterleaveOptions): RoundTimes {
  const runsPerRound = cases.map((c) => {
    const start = threadCpuMs();
    for (let i = 0; i < options.warmup; i++) c.run();
    const perRun = Math.max(0.01, (threadCpuMs() - start) / options.warmup);
    return Math.max(1, Math.round(options.roundMs / perRun));
  });
  const times: RoundTimes = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    cases.forEach((c, index) => {
      const runs = runsPerRound[index]!;
      collectGarbage();
      const start = threadCpuMs();
      for (let i = 0; i < runs; i++) c.run();
      times[c.name]!.push((threadCpuMs() - start) / runs);
    });
  }
  return times;
}

/** Median over rounds of `numerator / denominator` (per-round ratio: both saw the same contention). */
export function roundRatio(times: RoundTimes, numerator: string, denominator: string): number {
  const a = times[numerator]!;
  const b = times[denominator]!;
  return median(a.map((value, i) => value / b[i]!));
}
