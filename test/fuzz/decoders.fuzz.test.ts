/**
 * Fuzzing every decoder ampgate exposes to untrusted input (targets/): for each, FUZZ_RUNS generated inputs —
 * valid ones (round trip checked), mutations of valid ones, format-shaped garbage and random bytes — each run in a
 * child process under a watchdog and a heap cap (support/run-fuzz.ts). Asserted for every input: no 5xx (a crash
 * inside), no hang, every refusal a 4xx with a one-line message, valid inputs reach the writer unchanged; then the
 * size-limit inputs and decompression bombs must finish in bounded time and peak RSS.
 *
 *   npm test              FUZZ_RUNS=200 per target (default), fixed seed
 *   npm run test:fuzz     FUZZ_RUNS=20000 per target, fresh seed; FUZZ_SEED=<n> to replay a run
 *
 * A failing input is saved to test/fuzz/corpus/<target>/ and replayed by corpus.test.ts from then on.
 */
import { afterAll, describe, expect, it } from "vitest";
import { reportFigures, type FigureRow } from "../faults/support/report-figures";
import { runFuzzJob } from "./support/run-fuzz";
import { FUZZ_TARGETS } from "./targets/index";

const RUNS = Number(process.env.FUZZ_RUNS ?? "200");
/**
 * `npm test` fuzzes with a fixed seed, so CI is repeatable; `npm run test:fuzz` (which sets FUZZ_RUNS) explores with
 * a fresh seed each time. Either way the seed is printed, and FUZZ_SEED replays a run.
 */
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS !== undefined ? Date.now() % 2_147_483_647 : 20_261_122;
/** Peak RSS growth allowed while a target runs: the ingest Lambda has 512 MB for everything. */
const MAX_RSS_GROWTH_MB = 320;
const figures: FigureRow[] = [];

describe(`fuzzing (FUZZ_RUNS=${RUNS}, FUZZ_SEED=${SEED})`, () => {
  for (const target of FUZZ_TARGETS.values()) {
    it(`${target.name}: ${target.drives}`, async () => {
      const fuzz = await runFuzzJob({ target: target.name, mode: "fuzz", runs: RUNS, seed: SEED }, { hangMs: 60_000 });
      figures.push({
        target: target.name,
        inputsTried: fuzz.tried,
        validRoundTrips: fuzz.validTried,
        crashes: fuzz.failure || fuzz.died ? 1 : 0,
        slowestInputMs: Math.round(fuzz.maxInputMs),
        largeInputs: fuzz.large?.length ?? 0,
        slowestLargeMs: Math.max(0, ...(fuzz.large ?? []).map((l) => l.ms)),
        rssGrowthFuzzMb: fuzz.rssAfterFuzzMb - fuzz.rssStartMb,
        rssGrowthLargeMb: fuzz.rssPeakMb - fuzz.rssStartMb,
      });
      expect(fuzz.died, `child died; input saved as ${fuzz.savedAs}`).toBeUndefined();
      expect(fuzz.failure?.message, `failing input saved as ${fuzz.savedAs}`).toBeUndefined();
      expect(fuzz.tried).toBeGreaterThanOrEqual(RUNS);
      expect(fuzz.large).toHaveLength(target.large.length);
      expect(fuzz.rssPeakMb - fuzz.rssStartMb, JSON.stringify(fuzz.large)).toBeLessThan(MAX_RSS_GROWTH_MB);
    }, 60_000 + RUNS * 50);
  }
});

afterAll(() => reportFigures(`fuzz-${RUNS}`, figures, { runsPerTarget: RUNS, seed: SEED }));
