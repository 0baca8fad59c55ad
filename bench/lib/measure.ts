/**
 * Timing on a shared machine (2 cores, other engineers' tests running): every case of a comparison runs in the
 * same process, interleaved round by round, so contention hits baseline and candidate alike; each case's number
 * is the median over rounds, and ratios are taken per round and then their median.
 *
 * - The clock is the thread's CPU time (`process.threadCpuUsage`, getrusage RUSAGE_THREAD), not wall time: with
 *   the cores shared, wall time of the same work was seen at 2–3× its CPU time, depending on who else ran. It
 *   advances at scheduler ticks (0.02–4 ms steps were seen), so each case runs often enough per round to take
 *   ~`roundMs`, and the round's time is the total divided by the runs.
 * - Each case runs in its own worker thread — its own V8 isolate, heap and JIT feedback — and only one works at a
 *   time. Run in one isolate, cases slowed each other by 30–40% (a case that builds millions of objects leaves a
 *   heap the next one pays for; code shared by two cases, snappyjs say, is optimised for neither when it sees
 *   both Buffers and Uint8Arrays), and whichever case came first in a round ran slower: the order rotates.
 *   Each worker's heap then stays in the steady state of running its case back to back, as a Lambda container
 *   serving one request after another does (forcing a full GC before each block, tried, slowed the paths that
 *   allocate large buffers by a further 30–50% — not a state production is in).
 *
 * A suite is a module exporting `cases(args)`: a record of case name → function to time (bench/ingest-cases.ts).
 */
import { Worker } from "node:worker_threads";

export type CaseSuite = (args: Record<string, unknown>) => Record<string, () => unknown>;

/** CPU time of the calling thread, ms. */
export function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
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

/** CPU milliseconds per run of each case of `suite`, one number per round (see the header). */
export async function interleave(suite: URL, names: readonly string[], args: Record<string, unknown>, options: InterleaveOptions): Promise<RoundTimes> {
  const workers = names.map((name) => new Worker(new URL("./case-worker.ts", import.meta.url), {
    workerData: { suite: suite.href, name, args, warmup: options.warmup, roundMs: options.roundMs },
  }));
  const ask = (worker: Worker): Promise<number> =>
    new Promise((resolve, reject) => {
      worker.once("message", (ms: number) => resolve(ms));
      worker.once("error", reject);
      worker.postMessage("block");
    });
  try {
    for (const worker of workers) await ask(worker); // set up and warmed up, one at a time
    const times: RoundTimes = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (let position = 0; position < names.length; position++) {
        const index = (position + round) % names.length;
        times[names[index]!]!.push(await ask(workers[index]!));
      }
    }
    return times;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** Median over rounds of `numerator / denominator` (per-round ratio: both saw the same contention). */
export function roundRatio(times: RoundTimes, numerator: string, denominator: string): number {
  const a = times[numerator]!;
  const b = times[denominator]!;
  return median(a.map((value, i) => value / b[i]!));
}
