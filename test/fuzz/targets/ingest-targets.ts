/**
 * Fuzz targets for every push format, driven through the ingest core route with the handler's exact limits
 * (test/faults/support/ingest-route.ts) and a recording writer that also takes the remote-write fast path.
 * Each mixes: valid inputs (round trip checked), mutations of valid inputs, format-shaped garbage, random bytes.
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import protobuf from "protobufjs";
import { prometheusMetricName } from "@ampgate/core/formats/otlp/otlp-names";
import { otlpSchema } from "@ampgate/core/formats/otlp/otlp-schema";
import { compressSnappyBlock, decompressSnappyBlock, encodeWriteRequest } from "@ampgate/core/remote-write/index";
import { RequestError } from "@ampgate/core/errors";
import { ingestRoute, pushRequest, recordingWriter, type RequestParts } from "../../faults/support/ingest-route";
import { grammarText, mutated, utf8 } from "../support/mutate";
import { FuzzViolation, type FuzzOutcome } from "../support/outcome";
import { outcomeOf } from "../support/outcome";
import {
  expectRoundTrip, toExposition, toJsonPush, toLineProtocol, toOtlpObject, toRw2Object, toWriteRequestObject, validSeriesSet, type ValidSeries,
} from "../support/valid-series";
import type { FuzzCase, FuzzTarget, LargeInput } from "./fuzz-target";

const MiB = 1024 * 1024;
const RW2_CONTENT_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
const V2Request = protobuf
  .loadSync(fileURLToPath(new URL("../../../packages/core/src/formats/proto/io/prometheus/write/v2/types.proto", import.meta.url)))
  .lookupType("io.prometheus.write.v2.Request");

interface PushTargetSpec {
  name: string;
  drives: string;
  route: string;
  request: Omit<RequestParts, "body">;
  encode(series: ValidSeries[]): Uint8Array;
  roundTrip?: Parameters<typeof expectRoundTrip>[2];
  /** Format-shaped garbage, besides random bytes and mutated valid inputs. */
  garbage: Array<fc.Arbitrary<Uint8Array>>;
  large: LargeInput[];
}

function pushTarget(spec: PushTargetSpec): FuzzTarget {
  const writer = recordingWriter();
  const route = ingestRoute({ writer });
  const valid: fc.Arbitrary<FuzzCase> = validSeriesSet.map((series) => ({
    input: spec.encode(series),
    check: (outcome: FuzzOutcome) => expectRoundTrip(series, outcome, spec.roundTrip),
  }));
  return {
    name: spec.name,
    drives: spec.drives,
    large: spec.large,
    cases: fc.oneof(
      { weight: 3, arbitrary: valid },
      { weight: 4, arbitrary: mutated(validSeriesSet.map(spec.encode)).map((input) => ({ input })) },
      ...spec.garbage.map((arbitrary) => ({ weight: 2, arbitrary: arbitrary.map((input) => ({ input })) })),
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((input) => ({ input })) },
    ),
    async run(input, headers) {
      writer.written.length = 0;
      const request = pushRequest(spec.route, { ...spec.request, ...(headers ? { headers: { ...spec.request.headers, ...headers } } : {}), body: input });
      return outcomeOf(await route(request), [...writer.written]);
    },
  };
}

// ── Large inputs shared by the text formats ────────────────────────────────────────────────────────────────

/** gzip of `mebibytes` of zeros: about 1 KB per MiB on the wire. */
const gzipBomb = (mebibytes: number) => new Uint8Array(gzipSync(Buffer.alloc(mebibytes * MiB)));
const junk = (bytes: number) => () => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 2654435761) >>> 24;
  return out;
};
const repeatLine = (line: string, bytes: number) => () => utf8(line.repeat(Math.floor(bytes / line.length)));
const textLarge = (oneLine: string): LargeInput[] => [
  { what: "4 MiB body of pseudo-random bytes (the ingest limit)", input: junk(4 * MiB - 1) },
  { what: "just under 4 MiB of valid lines", input: repeatLine(oneLine, 4 * MiB - 1) },
  { what: "one 4 MiB line", input: () => utf8(`x${"a".repeat(4 * MiB - 10)} 1\n`) },
  { what: "gzip bomb: 1 GiB of zeros in ~1 MB", input: () => gzipBomb(1024), headers: { "content-encoding": "gzip" } },
];

// ── Remote write ───────────────────────────────────────────────────────────────────────────────────────────

const rw1Protobuf = (series: ValidSeries[]) => encodeWriteRequest(toWriteRequestObject(series));
const rw2Protobuf = (series: ValidSeries[]) => V2Request.encode(V2Request.fromObject(toRw2Object(series))).finish();
/** A protobuf-looking stream: tags and lengths that are mostly plausible. */
const protobufish = fc.array(fc.oneof(
  fc.constantFrom(0x0a, 0x12, 0x1a, 0x22, 0x09, 0x10, 0x08, 0x11, 0x19, 0x2a),
  fc.integer({ min: 0, max: 255 }),
), { maxLength: 300 }).map((bytes) => new Uint8Array(bytes));

const snappyLarge = (protobufOf: () => Uint8Array): LargeInput[] => [
  { what: "4 MiB of pseudo-random bytes", input: junk(4 * MiB - 1) },
  { what: "snappy preamble claiming 8 MiB − 1 (the decoded cap), then garbage", input: () => new Uint8Array([0xff, 0xff, 0xff, 0x03, ...junk(4096)()]) },
  { what: "snappy preamble claiming 4 GiB", input: () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]) },
  { what: "snappy of 8 MiB of zeros (maximal expansion, at the cap)", input: () => compressSnappyBlock(new Uint8Array(8 * MiB - 64)) },
  { what: "the largest valid batch under the decoded cap", input: () => compressSnappyBlock(protobufOf()) },
];

/** About `bytes` of encoded series: the batch a busy agent sends after an outage. */
function bigSeriesSet(bytes: number): ValidSeries[] {
  const now = Date.now();
  const count = Math.floor(bytes / 90);
  return Array.from({ length: count }, (_, i) => ({
    name: "fuzz_large_series",
    labels: { instance: `host-${String(i).padStart(6, "0")}`, room: "living room" },
    samples: [{ timestamp: now - 60_000, value: i / 8 }],
  }));
}

const remoteWrite1: FuzzTarget = pushTarget({
  name: "remote-write-1.0",
  drives: "POST /api/v1/write (snappy + prometheus.WriteRequest, fast and reference paths)",
  route: "POST /api/v1/write",
  request: { headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy", "x-prometheus-remote-write-version": "0.1.0" } },
  encode: (series) => compressSnappyBlock(rw1Protobuf(series)),
  garbage: [
    mutated(validSeriesSet.map(rw1Protobuf)).map(compressSnappyBlock),
    protobufish.map(compressSnappyBlock),
  ],
  large: snappyLarge(() => rw1Protobuf(bigSeriesSet(7 * MiB))),
});

const remoteWrite2: FuzzTarget = pushTarget({
  name: "remote-write-2.0",
  drives: "POST /api/v1/write (snappy + io.prometheus.write.v2.Request)",
  route: "POST /api/v1/write",
  request: { headers: { "content-type": RW2_CONTENT_TYPE, "content-encoding": "snappy", "x-prometheus-remote-write-version": "2.0.0" } },
  encode: (series) => compressSnappyBlock(rw2Protobuf(series)),
  garbage: [
    mutated(validSeriesSet.map(rw2Protobuf)).map(compressSnappyBlock),
    protobufish.map(compressSnappyBlock),
  ],
  // protobufjs reflection is slow to build very large requests; 3 MiB of series is plenty to measure memory.
  large: snappyLarge(() => rw2Protobuf(bigSeriesSet(3 * MiB))),
});

// ── Text formats ───────────────────────────────────────────────────────────────────────────────────────────

const LINE_PROTOCOL_ALPHABET = 'abcxyz_019.-+eEiuTFtf ,="\\\n\t#';
const influxLarge = textLarge("fuzz_large,host=pi,room=living\\ room value=21.5,other=3i 1700000000000\n");

const influxV2: FuzzTarget = pushTarget({
  name: "influx-line-protocol-v2",
  drives: "POST /api/v2/write?precision=ms (line protocol)",
  route: "POST /api/v2/write",
  request: { query: "precision=ms&org=home&bucket=sensors", headers: { "content-type": "text/plain; charset=utf-8" } },
  encode: (series) => utf8(toLineProtocol(series)),
  roundTrip: { rename: (name) => `${name}_value` },
  garbage: [grammarText(LINE_PROTOCOL_ALPHABET)],
  large: influxLarge,
});

const influxV1: FuzzTarget = pushTarget({
  name: "influx-line-protocol-v1",
  drives: "POST /write?db=…&p=<token> (line protocol, query-string credential)",
  route: "POST /write",
  // The token travels in ?p= here, as Telegraf's outputs.influxdb sends it; no Authorization header.
  request: { query: "db=telegraf&precision=ms&u=telegraf&p=ag_route-harness-token-0123456789abcdefghijklm", headers: { authorization: "" } },
  encode: (series) => utf8(toLineProtocol(series)),
  roundTrip: { rename: (name) => `${name}_value` },
  garbage: [grammarText(LINE_PROTOCOL_ALPHABET)],
  large: influxLarge,
});

const EXPOSITION_ALPHABET = 'abcxyz_:019.-+eEInfNa {}=,"\\\n#TYPEHLPgaugecountr';
const prometheusText: FuzzTarget = pushTarget({
  name: "prometheus-text",
  drives: "PUT /metrics/job/fuzz (text 0.0.4 / OpenMetrics)",
  route: "PUT /metrics/{proxy+}",
  request: { path: "/metrics/job/fuzz", pathParameters: { proxy: "job/fuzz" }, headers: { "content-type": "text/plain; version=0.0.4" } },
  encode: (series) => utf8(toExposition(series)),
  roundTrip: { extraLabels: { job: "fuzz" } },
  garbage: [grammarText(EXPOSITION_ALPHABET), grammarText(`${EXPOSITION_ALPHABET}# EOF`)],
  large: textLarge('fuzz_large{host="pi",room="living room"} 21.5 1700000000000\n'),
});

const JSON_ALPHABET = '[]{}":,0123456789.-eEtruefalsnNI metriclabelsvaluetimestamp\\u';
const jsonPush: FuzzTarget = pushTarget({
  name: "json",
  drives: "POST /api/v1/push/json",
  route: "POST /api/v1/push/json",
  request: { headers: { "content-type": "application/json" } },
  encode: (series) => utf8(toJsonPush(series)),
  garbage: [grammarText(JSON_ALPHABET), fc.json({ maxDepth: 4 }).map(utf8)],
  large: [
    ...textLarge('{"metric":"fuzz_large","labels":{"room":"living"},"value":21.5},'),
    { what: "JSON nested 1,000,000 levels deep", input: () => utf8(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`) },
  ],
});

// ── OTLP ───────────────────────────────────────────────────────────────────────────────────────────────────

/** OTLP names are normalised as the Collector's exporter does (`a_` → `a`); the naming has its own tests. */
const otlpName = (name: string) => prometheusMetricName(name, "", "gauge");
const otlpProtobuf = (series: ValidSeries[]) => {
  const { ExportMetricsServiceRequest } = otlpSchema();
  return ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(toOtlpObject(series))).finish();
};
const otlpJson = (series: ValidSeries[]) => utf8(JSON.stringify(toOtlpObject(series)));

const otlpProto: FuzzTarget = pushTarget({
  name: "otlp-protobuf",
  drives: "POST /v1/metrics (application/x-protobuf)",
  route: "POST /v1/metrics",
  request: { headers: { "content-type": "application/x-protobuf" } },
  encode: otlpProtobuf,
  roundTrip: { rename: otlpName },
  garbage: [protobufish, mutated(validSeriesSet.map(otlpProtobuf))],
  large: [
    { what: "4 MiB of pseudo-random bytes", input: junk(4 * MiB - 1) },
    { what: "gzip bomb: 1 GiB of zeros", input: () => gzipBomb(1024), headers: { "content-encoding": "gzip" } },
    { what: "a 1.5 MiB valid request", input: () => otlpProtobuf(bigSeriesSet(1.5 * MiB)) },
    { what: "protobuf nested 100,000 levels deep (length-delimited field 1)", input: () => nestedProtobuf(100_000) },
  ],
});

const otlpJsonTarget: FuzzTarget = pushTarget({
  name: "otlp-json",
  drives: "POST /v1/metrics (application/json)",
  route: "POST /v1/metrics",
  request: { headers: { "content-type": "application/json" } },
  encode: otlpJson,
  roundTrip: { rename: otlpName },
  garbage: [grammarText('{}[]":,0123456789.-resourceMetricsscopegaugedataPointsasDoubletimeUnixNanoattributeskeyvaluestringValue'), fc.json({ maxDepth: 5 }).map(utf8)],
  large: [
    { what: "4 MiB of pseudo-random bytes", input: junk(4 * MiB - 1) },
    { what: "JSON nested 1,000,000 levels deep", input: () => utf8(`${'{"resourceMetrics":'.repeat(1)}${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`) },
    { what: "a 1.5 MiB-of-series valid request", input: () => otlpJson(bigSeriesSet(1.5 * MiB)) },
  ],
});

/** `depth` nested messages in field 1 (each a length prefix around the next). */
function nestedProtobuf(depth: number): Uint8Array {
  let inner = new Uint8Array(0);
  for (let i = 0; i < depth; i++) {
    const length = encodeVarint(inner.length);
    const next = new Uint8Array(1 + length.length + inner.length);
    next[0] = 0x0a;
    next.set(length, 1);
    next.set(inner, 1 + length.length);
    inner = next;
    if (inner.length > 4 * MiB - 16) break;
  }
  return inner;
}

function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return new Uint8Array(bytes);
}

// ── Snappy alone (our checking decoder, snappy.ts) ─────────────────────────────────────────────────────────

const SNAPPY_LIMIT = 8 * MiB;
const snappy: FuzzTarget = {
  name: "snappy",
  drives: "decompressSnappyBlock (the checking snappy decoder)",
  cases: fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({
      input: compressSnappyBlock(bytes),
      check: (outcome: FuzzOutcome) => {
        if (outcome.status !== 200) throw new FuzzViolation(`valid snappy refused: ${outcome.message}`);
        const round = outcome.written[0] as unknown as Uint8Array;
        if (Buffer.compare(Buffer.from(round), Buffer.from(bytes)) !== 0) throw new FuzzViolation("snappy round trip changed the bytes");
      },
    })),
    mutated(fc.uint8Array({ maxLength: 512 }).map(compressSnappyBlock)).map((input) => ({ input })),
    fc.uint8Array({ maxLength: 64 }).map((input) => ({ input })),
  ),
  async run(input) {
    try {
      // The decoded bytes ride in `written` for the round-trip check.
      return { status: 200, written: [decompressSnappyBlock(input, SNAPPY_LIMIT) as never] };
    } catch (error) {
      if (error instanceof RequestError && (error.status === 400 || error.status === 413)) return { status: error.status, message: error.message, written: [] };
      throw new FuzzViolation(`decompressSnappyBlock threw ${(error as Error).name}: ${(error as Error).message}`);
    }
  },
  large: [
    { what: "preamble claiming 2^32 − 1 bytes", input: () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]) },
    { what: "8 MiB of zeros, compressed (maximal expansion)", input: () => compressSnappyBlock(new Uint8Array(SNAPPY_LIMIT)) },
    { what: "4 MiB of copy elements referring back 1 byte", input: () => new Uint8Array([0x80, 0x80, 0x80, 0x04, 0x00, 0x00, ...Array.from({ length: 4 * MiB / 3 }, (_, i) => [0x01, 0x01, 0x00][i % 3]!)]) },
  ],
};

export const INGEST_TARGETS: readonly FuzzTarget[] = [snappy, remoteWrite1, remoteWrite2, influxV2, influxV1, prometheusText, jsonPush, otlpProto, otlpJsonTarget];
