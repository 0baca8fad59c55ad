/**
 * Ingest core throughput (issue #8): snappy body in → validated, token-labelled, AMP-sized snappy parts out, on
 * one core, for Telegraf-shaped batches of 10,000 and 1,000 series (8 labels, 1 sample each).
 *
 * Cases (bench/ingest-cases.ts), each in its own worker thread, interleaved round by round (bench/lib/measure.ts):
 * - fast path: what ingest runs for remote write 1.0 — guarded decompress, fastIngest, cut at series, and
 *   compress by splicing the sender's compression (snappy-splice.ts); also with a fresh snappyjs compress;
 * - reference path: decode → stampLabels → validateWriteRequest → split → encode → compress (the general path);
 * - reflection baseline: a naive protobufjs-reflection decode/encode (Type.decode/encode from the .proto), with
 *   the token label pushed and the labels sorted — the ~170k samples/s of the issue;
 * - snappyjs floor: bare `uncompress` + `compress` of the same bytes, the least any path that must read and
 *   rewrite the body can cost.
 */
import { telegrafBatch } from "./fixtures/telegraf-batch";
import { INGEST_CASES } from "./ingest-cases";
import { interleave, median, roundRatio } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

export interface IngestCoreOptions {
  quick: boolean;
}

export async function benchIngestCore(options: IngestCoreOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const series of [10_000, 1_000]) {
    const batch = telegrafBatch({ series }); // the cases build the same seeded batch in their workers
    const body = batch.body;
    const times = await interleave(new URL("./ingest-cases.ts", import.meta.url), INGEST_CASES, { series },
      { rounds: options.quick ? 3 : 9, roundMs: 60, warmup: 5 });
    const perSecond = (name: string) => batch.samples / (median(times[name]!) / 1000);
    const label = `${series.toLocaleString("en-US")} series`;
    const bytes = `${(batch.protobuf.length / 1e6).toFixed(2)} MB decoded, ${(body.length / 1e3).toFixed(0)} kB snappy`;
    results.push(
      result({
        name: `ingest fast path, ${label}: throughput`, unit: "samples/s", measured: perSecond("fast"), baseline: perSecond("reflection"),
        ratio: roundRatio(times, "reflection", "fast"), target: { kind: "measured ≥", value: 1_000_000 },
        note: `baseline: naive protobufjs reflection decode/encode; ${bytes}`,
      }),
      result({
        name: `ingest fast path, ${label}: time ÷ snappyjs floor`, unit: "ms", measured: median(times.fast!), baseline: median(times.floor!),
        ratio: roundRatio(times, "fast", "floor"), target: { kind: "ratio ≤", value: 1.5 },
        note: "baseline: snappyjs uncompress + compress of the same body",
      }),
      result({
        name: `ingest fast path compressing afresh, ${label}: throughput`, unit: "samples/s", measured: perSecond("fast-compress"),
        baseline: perSecond("fast"), ratio: roundRatio(times, "fast", "fast-compress"),
        note: "context: snappyjs compress of the parts instead of splicing the sender's compression (baseline: with splicing)",
      }),
      result({
        name: `ingest reference path, ${label}: throughput`, unit: "samples/s", measured: perSecond("reference"), baseline: perSecond("reflection"),
        ratio: roundRatio(times, "reflection", "reference"), note: "decode → stamp → validate → split → encode (the general path)",
      }),
      result({
        name: `snappyjs floor, ${label}: throughput`, unit: "samples/s", measured: perSecond("floor"), baseline: perSecond("reflection"),
        ratio: roundRatio(times, "reflection", "floor"), note: "uncompress + compress only: no path that rewrites the body can beat it",
      }),
    );
  }
  return results;
}
