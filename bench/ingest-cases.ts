/**
 * The ingest core cases of ingest-core.bench.ts, each built in its own worker (bench/lib/measure.ts):
 * `cases({ series })` → the functions to time, over one seeded Telegraf-shaped batch.
 */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { compress, uncompress } from "snappyjs";
import { decodeWriteRequest, encodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { fastIngest } from "@ampgate/core/remote-write/fast-ingest";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { SnappySplicer } from "@ampgate/core/remote-write/snappy-splice";
import { splitWriteRequest } from "@ampgate/core/remote-write/split";
import { splitEncodedEntries } from "@ampgate/core/remote-write/split-encoded";
import { stampLabels } from "@ampgate/core/remote-write/stamp";
import { validateWriteRequest } from "@ampgate/core/remote-write/validate";
import { telegrafBatch } from "./fixtures/telegraf-batch";
import type { CaseSuite } from "./lib/measure";

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

export const INGEST_CASES = ["floor", "fast", "fast-compress", "reference", "reflection"] as const;

export const cases: CaseSuite = (args) => {
  const body = telegrafBatch({ series: Number(args.series) }).body;
  return {
    floor: () => floor(body),
    fast: () => fastPath(body, "splice"),
    "fast-compress": () => fastPath(body, "compress"),
    reference: () => referencePath(body),
    reflection: () => reflectionPath(body),
  };
};

