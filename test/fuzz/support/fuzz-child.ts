/**
 * The fuzzing child process (run-fuzz.ts starts it with `node --import tsx --max-old-space-size=…`): runs one
 * target's inputs and reports to the parent over IPC. Before each input it writes the input to `inputFile`, so
 * that when the parent kills a hung child — or the child dies of memory exhaustion — the input is not lost.
 *
 *   modes: fuzz   — `runs` generated inputs from `seed` (fast-check, shrinking on failure)
 *          replay — the corpus files given
 *          large  — the target's size-limit inputs, each timed, with the peak RSS after each
 */
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { FUZZ_TARGETS } from "../targets/index";
import { FuzzViolation } from "./outcome";

export interface ChildJob {
  target: string;
  /** `fuzz` also runs the large inputs afterwards. */
  mode: "fuzz" | "replay" | "large";
  runs?: number;
  seed?: number;
  files?: string[];
  inputFile: string;
  /** An input that takes longer than this is a violation (a hang short of the watchdog). */
  perInputMs: number;
  /** The same for the target's size-limit inputs (megabytes each). */
  perLargeInputMs: number;
}

export interface ChildFailure {
  message: string;
  /** base64 of the (shrunk) failing input */
  input: string;
}

export interface ChildReport {
  tried: number;
  validTried: number;
  maxInputMs: number;
  rssStartMb: number;
  /** Peak RSS once the generated inputs were done, and at the end (after the large inputs). */
  rssAfterFuzzMb: number;
  rssPeakMb: number;
  failure?: ChildFailure;
  large?: Array<{ what: string; bytes: number; ms: number; status: number; peakRssMb: number }>;
}

const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(job: ChildJob): Promise<ChildReport> {
  const target = FUZZ_TARGETS.get(job.target);
  if (!target) throw new Error(`no fuzz target ${job.target}`);
  const report: ChildReport = { tried: 0, validTried: 0, maxInputMs: 0, rssStartMb: peakRssMb(), rssAfterFuzzMb: 0, rssPeakMb: 0 };

  let inputs = 0;
  const runOne = async (input: Uint8Array, headers?: Record<string, string>, limitMs = job.perInputMs) => {
    writeFileSync(job.inputFile, input);
    if (++inputs % 25 === 0) await send({ type: "progress", inputs });
    const started = performance.now();
    let outcome;
    try {
      outcome = await target.run(input, headers);
    } catch (error) {
      if (error instanceof FuzzViolation) throw error;
      throw new FuzzViolation(`threw ${(error as Error)?.name}: ${(error as Error)?.message}\n${(error as Error)?.stack ?? ""}`);
    }
    const ms = performance.now() - started;
    if (ms > limitMs) throw new FuzzViolation(`took ${Math.round(ms)} ms (limit ${limitMs} ms) for ${input.byteLength} bytes`);
    return { outcome, ms };
  };

  if (job.mode === "replay") {
    for (const file of job.files ?? []) {
      const input = new Uint8Array(readFileSync(file));
      try {
        await runOne(input);
        report.tried += 1;
      } catch (error) {
        report.failure = { message: `${file}: ${(error as Error).message}`, input: Buffer.from(input).toString("base64") };
        break;
      }
    }
  }
  if (job.mode === "fuzz") {
    const result = await fc.check(
      fc.asyncProperty(target.cases, async (fuzzCase) => {
        report.tried += 1;
        if (fuzzCase.check) report.validTried += 1;
        const { outcome, ms } = await runOne(fuzzCase.input);
        report.maxInputMs = Math.max(report.maxInputMs, ms);
        fuzzCase.check?.(outcome);
      }),
      { numRuns: job.runs ?? 100, seed: job.seed, endOnFailure: false, markInterruptAsFailure: true },
    );
    if (result.failed) {
      const [counterexample] = (result.counterexample ?? [{ input: new Uint8Array() }]) as [{ input: Uint8Array }];
      const error = result.errorInstance as Error | undefined;
      report.failure = { message: error?.message ?? String(result.errorInstance), input: Buffer.from(counterexample.input).toString("base64") };
    }
  }
  report.rssAfterFuzzMb = peakRssMb();
  if (job.mode === "large" || (job.mode === "fuzz" && !report.failure)) {
    report.large = [];
    for (const large of target.large) {
      const input = large.input();
      try {
        const { outcome, ms } = await runOne(input, large.headers, job.perLargeInputMs);
        report.large.push({ what: large.what, bytes: input.byteLength, ms: Math.round(ms), status: outcome.status, peakRssMb: peakRssMb() });
      } catch (error) {
        report.failure = { message: `${large.what}: ${(error as Error).message}`, input: "" };
        break;
      }
    }
  }
  report.rssPeakMb = peakRssMb();
  return report;
}

const job = JSON.parse(process.argv[2]!) as ChildJob;
main(job).then(
  async (report) => {
    await send({ type: "done", report });
    process.exit(0);
  },
  async (error: unknown) => {
    await send({ type: "error", message: (error as Error)?.stack ?? String(error) });
    process.exit(1);
  },
);
