/**
 * `npm run bench`: every benchmark of issue #8, one table of results (target, unit, measured, baseline, ratio,
 * target value, met), and bench/results.json for comparing runs. Fixtures are seeded, so runs see the same bytes.
 *
 *   npm run bench                               # everything (the end-to-end push is 1,000,000 samples)
 *   npm run bench -- --quick                    # fewer rounds, 100,000 end-to-end samples: a quick look
 *   npm run bench -- --only=ingest,query        # a subset of: ingest, query, cold-start, e2e, cost
 *   npm run bench -- --e2e-samples=200000       # or BENCH_E2E_SAMPLES; 0 skips the end-to-end push
 *
 * The machine is shared: every target is a ratio against a baseline measured in the same process, with
 * interleaved rounds and medians (bench/lib/measure.ts). Numbers, profiles and what they mean:
 * docs/performance.md. A complete run writes bench/results.json (committed, to compare against); quick or
 * partial runs write bench/results.local.json (ignored by git).
 */
import { cpus } from "node:os";
import { benchColdStart } from "./cold-start.bench";
import { benchCost } from "./cost.bench";
import { benchEndToEnd } from "./end-to-end.bench";
import { benchIngestCore } from "./ingest-core.bench";
import { benchQueryTransform } from "./query-transform.bench";
import { formatTable, writeResults, type BenchResult } from "./lib/results";

const args = new Map(process.argv.slice(2).map((arg) => {
  const [key, value] = arg.replace(/^--/, "").split("=");
  return [key!, value ?? "true"] as const;
}));
const quick = args.has("quick");
const only = args.get("only")?.split(",");
const selected = (name: string) => !only || only.includes(name);
const e2eSamples = Number(args.get("e2e-samples") ?? process.env.BENCH_E2E_SAMPLES ?? (quick ? 100_000 : 1_000_000));

const results: BenchResult[] = [];
const started = Date.now();
const progress = (what: string) => process.stderr.write(`bench: ${what}…\n`);

if (selected("ingest")) {
  progress("ingest core (10,000 and 1,000 series)");
  results.push(...(await benchIngestCore({ quick })));
}
if (selected("query")) {
  progress("query transforms");
  results.push(...(await benchQueryTransform({ quick })));
}
if (selected("cold-start")) {
  progress("cold start (esbuild bundles, fresh processes)");
  results.push(...(await benchColdStart({ quick })));
}
let e2e: Awaited<ReturnType<typeof benchEndToEnd>> | undefined;
if (selected("e2e") && e2eSamples > 0) {
  progress(`end to end (${e2eSamples.toLocaleString("en-US")} samples through the local stack and straight to Prometheus)`);
  e2e = await benchEndToEnd({ samples: e2eSamples, quick });
  results.push(...e2e.results);
}
if (selected("cost")) {
  progress("cost model (handler CPU per request at 1,000 and 10 samples)");
  results.push(...(await benchCost({ quick, ...(e2e ? { e2e: e2e.cost } : {}) })));
}

process.stdout.write(`\n${formatTable(results)}\n\n`);
// Only a complete run replaces the committed reference numbers; quick and partial runs go to a local file.
const complete = !quick && !only && e2eSamples >= 1_000_000;
const path = new URL(complete ? "./results.json" : "./results.local.json", import.meta.url);
writeResults(path.pathname, results, {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  quick,
  e2eSamples,
  durationSeconds: Math.round((Date.now() - started) / 1000),
});
process.stderr.write(`bench: wrote ${path.pathname}\n`);
const missed = results.filter((r) => r.met === false);
if (missed.length > 0) process.stderr.write(`bench: ${missed.length} target(s) missed — see docs/performance.md for the profiles\n`);
