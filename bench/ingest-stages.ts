/**
 * Where the ingest core's time goes, stage by stage, for the reference and the fast path (the profile behind
 * docs/performance.md). Not part of `npm run bench`: run it when working on the ingest path.
 *
 *   tsx bench/ingest-stages.ts [series=10000] [runs=40]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/ingest-stages.ts   # for a V8 profile too
 *
 * Each stage is timed in main-thread CPU (bench/lib/measure.ts says why) and averaged over the runs; the
 * GC share is the time V8's main thread spent in garbage collection during the runs (PerformanceObserver).
 */
import { PerformanceObserver } from "node:perf_hooks";
import { decodeWriteRequest, encodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { fastIngest } from "@ampgate/core/remote-write/fast-ingest";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { SnappySplicer } from "@ampgate/core/remote-write/snappy-splice";
import { splitWriteRequest } from "@ampgate/core/remote-write/split";
import { splitEncodedEntries } from "@ampgate/core/remote-write/split-encoded";
import { stampLabels } from "@ampgate/core/remote-write/stamp";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { validateWriteRequest } from "@ampgate/core/remote-write/validate";
import { telegrafBatch } from "./fixtures/telegraf-batch";
import { threadCpuMs } from "./lib/measure";

const series = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 40);
const LIMITS = remoteWriteLimits();
const LABELS = { source: "telegraf-rack12" };
const body = telegrafBatch({ series }).body;

type Stages = Record<string, number>;

function timed<T>(stages: Stages, name: string, step: () => T): T {
  const start = threadCpuMs();
  const value = step();
  stages[name] = (stages[name] ?? 0) + threadCpuMs() - start;
  return value;
}

function referencePath(stages: Stages): void {
  const protobuf = timed(stages, "snappy decompress (checking)", () => decompressSnappyBlock(body, 1 << 25));
  const decoded = timed(stages, "decode to objects", () => decodeWriteRequest(protobuf));
  const stamped = timed(stages, "stamp token labels", () => stampLabels(decoded, LABELS));
  const valid = timed(stages, "validate", () => validateWriteRequest(stamped, LIMITS));
  const parts = timed(stages, "split", () => splitWriteRequest(valid, LIMITS.maxRequestBytes));
  const encoded = timed(stages, "encode", () => parts.map((part: WriteRequest) => encodeWriteRequest(part)));
  timed(stages, "compress", () => encoded.map(compressSnappyBlock));
}

function fastPath(stages: Stages): void {
  const protobuf = timed(stages, "snappy decompress (checking)", () => decompressSnappyBlock(body, 1 << 25));
  const batch = timed(stages, "check + stamp + copy (fastIngest)", () => fastIngest(protobuf, LABELS, LIMITS)!);
  const parts = timed(stages, "cut at series", () => splitEncodedEntries(batch.protobuf, batch.entryEnds, LIMITS.maxRequestBytes)!);
  timed(stages, "splice the sender's compression", () => {
    const splicer = SnappySplicer.create(body, batch)!;
    return parts.map((part) => splicer.compress(part.byteOffset - batch.protobuf.byteOffset, part.byteOffset - batch.protobuf.byteOffset + part.length));
  });
}

/** The fast path compressing its parts afresh with snappyjs instead of splicing: what splicing saves. */
function fastPathCompressing(stages: Stages): void {
  const protobuf = timed(stages, "snappy decompress (checking)", () => decompressSnappyBlock(body, 1 << 25));
  const batch = timed(stages, "check + stamp + copy (fastIngest)", () => fastIngest(protobuf, LABELS, LIMITS)!);
  const parts = timed(stages, "cut at series", () => splitEncodedEntries(batch.protobuf, batch.entryEnds, LIMITS.maxRequestBytes)!);
  timed(stages, "compress (snappyjs)", () => parts.map(compressSnappyBlock));
}

async function report(name: string, path: (stages: Stages) => void): Promise<void> {
  for (let i = 0; i < 5; i++) path({});
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const stages: Stages = {};
  const start = threadCpuMs();
  for (let i = 0; i < runs; i++) path(stages);
  const total = (threadCpuMs() - start) / runs;
  await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries are delivered asynchronously
  observer.disconnect();
  process.stdout.write(`\n${name}: ${total.toFixed(2)} ms CPU per batch of ${series} samples (${Math.round(series / total * 1000).toLocaleString("en-US")} samples/s)\n`);
  for (const [stage, ms] of Object.entries(stages)) {
    process.stdout.write(`  ${stage.padEnd(36)} ${(ms / runs).toFixed(2).padStart(7)} ms  ${((ms / runs / total) * 100).toFixed(0).padStart(3)}%\n`);
  }
  process.stdout.write(`  ${"(of which garbage collection)".padEnd(36)} ${(gcMs / runs).toFixed(2).padStart(7)} ms  ${((gcMs / runs / total) * 100).toFixed(0).padStart(3)}%\n`);
}

await report("reference path", referencePath);
await report("fast path", fastPath);
await report("fast path, compressing afresh", fastPathCompressing);
