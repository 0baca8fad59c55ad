/**
 * Ingest core throughput (issue #8): snappy body in → validated, token-labelled, AMP-sized snappy parts out, on
 * one core, for Telegraf-shaped batches of 10,000 and 1,000 series (8 labels, 1 sample each).
 *
 * Cases, interleaved in one process (bench/lib/measure.ts):
 * - fast path: what ingest runs for remote write 1.0 — guarded decompress, fastIngest, cut at series, and
 *   compress by splicing the sender's compression (snappy-splice.ts); also with a fresh snappyjs compress;
 * - reference path: decode → stampLabels → validateWriteRequest → split → encode → compress (the general path);
 * - reflection baseline: a naive protobufjs-reflection decode/encode (Type.decode/encode from the .proto), with
 *   the token label pushed and the labels sorted — the ~170k samples/s of the issue;
 * - snappyjs floor: bare `uncompress` + `compress` of the same bytes, the least any path that must read and
 *   rewrite the body can cost.
 */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { compress, uncompress } from "snappyjs";
import { decodeWriteRequest, encodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { fastIngest } from "@ampgate/core/remote-write/fast-ingest";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { splitWriteRequest } from "@ampgate/core/remote-write/split";
import { SnappySplicer } from "@ampgate/core/remote-write/snappy-splice";
import { splitEncodedEntries } from "@ampgate/core/remote-write/split-encoded";
import { stampLabels } from "@ampgate/core/remote-write/stamp";
import { validateWriteRequest } from "@ampgate/core/remote-write/validate";
import { telegrafBatch } from "./fixtures/telegraf-batch";
import { interleave, median, roundRatio } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

const LIMITS = remoteWriteLimits();
const TOKEN_LABELS = { source: "telegraf-rack12" };
const MAX_DECODED = 32 * 1024 * 1024;

const reflectionType = protobuf
  .parse(readFileSync(new URL("../test/fixtures/remote-write/prometheus-remote.proto", import.meta.url), "utf8"))
  .root.lookupType("prometheus.WriteRequest");

type ReflectedLabel = { name: string; value: string };

/** The naive way: reflection decode, push the label, sort, reflection encode. No validation at all. */
function reflectionPath(body: Uint8Array): void {
  const message = reflectionType.decode(uncompress(body)) as unknown as { timeseries: Array<{ labels: ReflectedLabel[] }> };
  for (const series of message.timeseries) {
    series.labels.push({ name: "source", value: TOKEN_LABELS.source });
    series.labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  compress(reflectionType.encode(message).finish());
}

function referencePath(body: Uint8Array): void {
  const request = validateWriteRequest(stampLabels(decodeWriteRequest(decompressSnappyBlock(body, MAX_DECODED)), TOKEN_LABELS), LIMITS);
  for (const part of splitWriteRequest(request, LIMITS.maxRequestBytes)) compressSnappyBlock(encodeWriteRequest(part));
}

/** What ingest does for remote write 1.0 (formats/remote-write.ts encodeStamped + the AMP writer's parts). */
function fastPath(body: Uint8Array, compression: "splice" | "compress"): void {
  const batch = fastIngest(decompressSnappyBlock(body, MAX_DECODED), TOKEN_LABELS, LIMITS);
  if (!batch) throw new Error("the fast path declined a Telegraf-shaped batch");
  const parts = splitEncodedEntries(batch.protobuf, batch.entryEnds, LIMITS.maxRequestBytes)!;
  const splicer = compression === "splice" ? SnappySplicer.create(body, batch) : undefined;
  for (const part of parts) {
    const start = part.byteOffset - batch.protobuf.byteOffset;
    if (splicer) splicer.compress(start, start + part.length);
    else compressSnappyBlock(part);
  }
}

const floor = (body: Uint8Array) => compress(uncompress(body));

export interface IngestCoreOptions {
  quick: boolean;
}

export function benchIngestCore(options: IngestCoreOptions): BenchResult[] {
  const results: BenchResult[] = [];
  for (const series of [10_000, 1_000]) {
    const batch = telegrafBatch({ series });
    const body = batch.body;
    const times = interleave(
      [
        { name: "floor", run: () => floor(body) },
        { name: "fast", run: () => fastPath(body, "splice") },
        { name: "fast-compress", run: () => fastPath(body, "compress") },
        { name: "reference", run: () => referencePath(body) },
        { name: "reflection", run: () => reflectionPath(body) },
      ],
      { rounds: options.quick ? 3 : 9, roundMs: 60, warmup: 5 },
    );
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
