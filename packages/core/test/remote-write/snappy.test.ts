import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/remote-write/codec";
import { compressSnappyBlock, decompressSnappyBlock } from "../../src/remote-write/snappy";
import { mutated } from "../../../../test/fuzz/support/mutate";
import { randomSnappy, seededRandom } from "./random-snappy";
import { catchRequestError, request, series } from "./support";

const LIMIT = 32 * 1024 * 1024;
const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * The length of every `new Uint8Array(n)` made while `action` runs. The decoder's output buffer is the only
 * allocation that grows with a body's claim, so this proves what a rejected claim cost in memory.
 */
function allocationsDuring(action: () => unknown): number[] {
  const RealUint8Array = globalThis.Uint8Array;
  const lengths: number[] = [];
  globalThis.Uint8Array = new Proxy(RealUint8Array, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number") lengths.push(args[0]);
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  try {
    action();
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
  } finally {
    globalThis.Uint8Array = RealUint8Array;
  }
  return lengths;
}

/** The decoded length a body's preamble claims (undefined when it is not a valid preamble). */
function claimedLength(body: Uint8Array): number | undefined {
  let value = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    value += (body[i]! & 0x7f) * 2 ** (7 * i);
    if (body[i]! < 0x80) return value;
  }
  return undefined;
}

describe("compressSnappyBlock / decompressSnappyBlock", () => {
  it("round-trips an encoded WriteRequest, an empty body and incompressible data", () => {
    const protobuf = encodeWriteRequest(request(series({ __name__: "up", job: "node" })));
    // (byte for byte: the decoder hands out a plain Uint8Array whatever it was given, as the handlers pass it)
    expect(decompressSnappyBlock(compressSnappyBlock(protobuf), LIMIT)).toEqual(new Uint8Array(protobuf));
    expect([...compressSnappyBlock(new Uint8Array())]).toEqual([0x00]);
    expect(decompressSnappyBlock(bytes(0x00), LIMIT)).toHaveLength(0);
    const random = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(decompressSnappyBlock(compressSnappyBlock(random), LIMIT)).toEqual(random);
  });

  it("decodes overlapping copies (length > offset, i.e. run-length encoding)", () => {
    // preamble 8, literal "a", copy-1 of length 7 from offset 1
    expect(Buffer.from(decompressSnappyBlock(bytes(0x08, 0x00, 0x61, 0x0d, 0x01), LIMIT)).toString()).toBe("aaaaaaaa");
  });

  it("rejects an empty body with 400 empty_body", () => {
    const e = catchRequestError(() => decompressSnappyBlock(new Uint8Array(), LIMIT));
    expect([e.status, e.reason]).toEqual([400, "empty_body"]);
    expect(e.message).toBe("request body is empty; expected a snappy-compressed prometheus.WriteRequest");
  });

  it("rejects the framed format with 400 and says to send the block format", () => {
    const framed = bytes(0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x50, 0x59, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61);
    const e = catchRequestError(() => decompressSnappyBlock(framed, LIMIT));
    expect([e.status, e.reason]).toEqual([400, "framed_snappy"]);
    expect(e.message).toBe("framed snappy is not supported; send snappy block format");
  });

  it("rejects bodies that are not snappy: uncompressed protobuf, JSON text, gzip", () => {
    const protobuf = encodeWriteRequest(request(series({ __name__: "up" })));
    for (const body of [protobuf, new TextEncoder().encode('{"metric":"up"}'), bytes(0x1f, 0x8b, 0x08, 0x00, 0x00)]) {
      const e = catchRequestError(() => decompressSnappyBlock(body, LIMIT));
      expect([e.status, e.reason]).toEqual([400, "invalid_snappy"]);
      expect(e.message).toMatch(/^body (is not snappy block-compressed data|looks gzip-compressed)/);
    }
    expect(catchRequestError(() => decompressSnappyBlock(bytes(0x1f, 0x8b, 0x08), LIMIT)).message)
      .toBe("body looks gzip-compressed; remote write bodies must be snappy block format");
  });

  it("lets snappy of garbage through to the protobuf decoder, which rejects it with 400 invalid_protobuf", () => {
    const garbage = compressSnappyBlock(new TextEncoder().encode("this is not a protobuf at all"));
    const protobuf = decompressSnappyBlock(garbage, LIMIT);
    const e = catchRequestError(() => decodeWriteRequest(protobuf));
    expect([e.status, e.reason]).toEqual([400, "invalid_protobuf"]);
  });

  it("rejects a truncated body, at every cut", () => {
    const compressed = compressSnappyBlock(encodeWriteRequest(request(series({ __name__: "up", job: "node" }))));
    for (let length = 1; length < compressed.length; length++) {
      const e = catchRequestError(() => decompressSnappyBlock(compressed.subarray(0, length), LIMIT));
      expect([e.status, e.reason]).toEqual([400, "invalid_snappy"]);
    }
    expect(catchRequestError(() => decompressSnappyBlock(compressed.subarray(0, compressed.length - 1), LIMIT)).message)
      .toMatch(/runs past the end of the body \(truncated\?\)|truncated/);
  });

  it("answers a decompression-bomb header with 413 before allocating anything", () => {
    const claims4GiB = bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61);
    const e = catchRequestError(() => decompressSnappyBlock(claims4GiB, LIMIT));
    expect(allocationsDuring(() => decompressSnappyBlock(claims4GiB, LIMIT))).toEqual([]);
    expect([e.status, e.reason]).toEqual([413, "decoded_too_large"]);
    expect(e.message).toBe("snappy header claims 4294967295 decoded bytes; the limit is 33554432 bytes — send smaller batches");
    // a real, valid 40 MiB run of zeros (literal + long copies), 20× smaller than the limit on the wire
    const run = [0x00, 0x00];
    const body = [...varint(40 * 1024 * 1024), ...run];
    for (let produced = 1; produced < 40 * 1024 * 1024; produced += 64) body.push(0xfe, 0x01, 0x00);
    expect(catchRequestError(() => decompressSnappyBlock(new Uint8Array(body), LIMIT)).status).toBe(413);
    expect(allocationsDuring(() => decompressSnappyBlock(new Uint8Array(body), LIMIT))).toEqual([]);
  });

  it("refuses claims of 2^31 bytes or more even with no configured limit, before allocating", () => {
    const claims2GiB = bytes(...varint(2 ** 31), 0x00, 0x61);
    const e = catchRequestError(() => decompressSnappyBlock(claims2GiB, Number.POSITIVE_INFINITY));
    expect([e.status, e.reason]).toEqual([413, "decoded_too_large"]);
    expect(allocationsDuring(() => decompressSnappyBlock(claims2GiB, Number.POSITIVE_INFINITY))).toEqual([]);
  });

  it("refuses, before allocating, a claim larger than the body's elements could ever expand to (64 bytes per 3)", () => {
    const claims1MiB = bytes(...varint(1 << 20), 0x00, 0x61);
    const e = catchRequestError(() => decompressSnappyBlock(claims1MiB, LIMIT));
    expect([e.status, e.reason]).toEqual([400, "invalid_snappy"]);
    expect(e.message).toBe("body is not snappy block-compressed data: its header claims 1048576 decoded bytes, more than 2 bytes of snappy elements can hold (truncated?)");
    expect(allocationsDuring(() => decompressSnappyBlock(claims1MiB, LIMIT))).toEqual([]);
    // …while the densest real stream — a literal, then 64-byte copy-2 elements — is accepted and allocated once
    const copies = 50_000;
    const densest = Uint8Array.from([...varint(1 + 64 * copies), 0x00, 0x61, ...new Array<number[]>(copies).fill([0xfe, 0x01, 0x00]).flat()]);
    expect(decompressSnappyBlock(densest, LIMIT)).toEqual(new Uint8Array(1 + 64 * copies).fill(0x61));
    expect(allocationsDuring(() => decompressSnappyBlock(densest, LIMIT))).toEqual([1 + 64 * copies]);
  });

  it("allocates the output once, at the claimed length, for a valid body (so the allocation checks above can fail)", () => {
    const protobuf = encodeWriteRequest(request(series({ __name__: "up", job: "node" })));
    const body = compressSnappyBlock(protobuf);
    expect(allocationsDuring(() => decompressSnappyBlock(body, LIMIT))).toEqual([protobuf.length]);
  });

  it.each([
    ["a preamble longer than 5 bytes", bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "length preamble is not a valid varint"],
    ["a copy before any output", bytes(0x04, 0x01, 0x01), "refers to offset 1 with only 0 bytes decoded"],
    ["a copy-1 cut off after its tag", bytes(0x05, 0x00, 0x61, 0x01), "copy element at byte 3 is cut off"],
    ["fewer bytes than the header claims", bytes(0x0a, 0x10, 0x61, 0x62, 0x63, 0x64, 0x65), "decodes to 5 bytes but its header claims 10"],
    ["more bytes than the header claims", bytes(0x02, 0x08, 0x61, 0x62, 0x63), "decodes to more than the 2 bytes its header claims"],
    // a 4-byte literal length of 0xfffffffe makes snappyjs step its read position backwards
    ["a 4-byte literal length beyond the body", bytes(0x05, 0xfc, 0xfe, 0xff, 0xff, 0xff, 0x61), "literal of 4294967295 bytes at byte 1 runs past the end"],
    // …and 0xfffffffa sends it back exactly to the literal's tag: snappyjs 0.7 loops forever on these 6 bytes
    ["a literal length that would make snappyjs loop forever", bytes(0x05, 0xfc, 0xfa, 0xff, 0xff, 0xff), "literal of 4294967291 bytes at byte 1 runs past the end"],
    ["a 4-byte copy offset with the top bit set", bytes(0x06, 0x04, 0x61, 0x62, 0x13, 0x00, 0x00, 0x00, 0x80), "refers to offset 2147483648"],
  ])("rejects %s with 400 invalid_snappy, allocating no more than the claimed length", (_, body, message) => {
    const e = catchRequestError(() => decompressSnappyBlock(body, LIMIT));
    expect([e.status, e.reason]).toEqual([400, "invalid_snappy"]);
    expect(e.message).toContain(message);
    for (const length of allocationsDuring(() => decompressSnappyBlock(body, LIMIT))) expect(length).toBeLessThanOrEqual(claimedLength(body) ?? 0);
  });

  it("ends on every body that made snappyjs 0.7 loop or step backwards (a child process with a deadline: a hang fails)", () => {
    // 4-byte literal lengths and copy offsets with the top bit set, at every value that lands the old reader on or
    // before an element it already read, plus the same after a valid prefix.
    const backwards = Array.from({ length: 16 }, (_, k) => [0x05, 0xfc, 0xff - k, 0xff, 0xff, 0xff]);
    const afterPrefix = Array.from({ length: 16 }, (_, k) => [0x08, 0x04, 0x61, 0x62, 0xfc, 0xff - k, 0xff, 0xff, 0xff, 0x61]);
    const copyBack = Array.from({ length: 16 }, (_, k) => [0x06, 0x04, 0x61, 0x62, 0x13, 0xff - k, 0xff, 0xff, 0xff]);
    const bodies = [...backwards, ...afterPrefix, ...copyBack];
    const module = new URL("../../src/remote-write/snappy.ts", import.meta.url).pathname;
    const script = `
      import { decompressSnappyBlock } from ${JSON.stringify(module)};
      const outcomes = ${JSON.stringify(bodies)}.map((body) => {
        try { return decompressSnappyBlock(new Uint8Array(body), ${LIMIT}).length; } catch (error) { return error.status; }
      });
      process.stdout.write(JSON.stringify(outcomes));`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(run.error?.message, run.stderr).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(bodies.map(() => 400));
  });

  it("accepts exactly what a strict reference decoder accepts, with the same output, on random and corrupted input", () => {
    const valid = compressSnappyBlock(encodeWriteRequest(request(
      series({ __name__: "temperature_celsius", room: "kitchen" }, [[1, 20.5], [2, 20.5], [3, 20.75]]),
      series({ __name__: "temperature_celsius", room: "living room" }, [[1, 21], [2, 21]]),
    )));
    const corrupted = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }).map((edits) => {
      const body = Uint8Array.from(valid);
      for (const [at, value] of edits) body[at % body.length] = value;
      return body;
    });
    const check = (body: Uint8Array) => {
      const expected = referenceDecode(body, 4096);
      let actual: Uint8Array | undefined;
      try {
        actual = decompressSnappyBlock(body, 4096);
      } catch (error) {
        if (!(error instanceof RequestError) || ![400, 413].includes(error.status)) throw error;
      }
      expect(actual === undefined ? undefined : [...actual]).toEqual(expected);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), check), { numRuns: 3000 });
    fc.assert(fc.property(corrupted, check), { numRuns: 3000 });
    // and the corruption generator does produce accepted bodies, so both branches are exercised
    expect(fc.sample(corrupted, 500).some((body) => referenceDecode(body, 4096) !== undefined)).toBe(true);
  });

  it("…and on the fuzz harness's snappy inputs, every element form, its saved corpus and Prometheus' own bodies", () => {
    const check = (body: Uint8Array, limit = LIMIT) => {
      const expected = referenceDecode(body, limit);
      let actual: Uint8Array | undefined;
      try {
        actual = decompressSnappyBlock(body, limit);
      } catch (error) {
        if (!(error instanceof RequestError) || ![400, 413].includes(error.status)) throw error;
      }
      expect(actual === undefined ? undefined : [...actual]).toEqual(expected);
      return actual !== undefined;
    };
    // test/fuzz/targets/ingest-targets.ts `snappy`: snappyjs output of random bytes, and its mutations
    const snappyjsBodies = fc.uint8Array({ maxLength: 512 }).map(compressSnappyBlock);
    fc.assert(fc.property(fc.oneof(snappyjsBodies, mutated(snappyjsBodies)), (body) => { check(body); }), { numRuns: 2000 });
    // long literals, all three copy forms, overlapping copies, far and near distances — and their mutations
    const text = fc.array(fc.constantFrom(..."abc_xyz=\u0000\u00ff"), { maxLength: 3000 }).map((chars) => new TextEncoder().encode(chars.join("")));
    const everyForm = fc.tuple(text, fc.integer()).map(([plain, seed]) => randomSnappy(plain, seededRandom(seed)));
    let accepted = 0;
    fc.assert(fc.property(fc.oneof(everyForm, mutated(everyForm)), (body) => { if (check(body)) accepted++; }), { numRuns: 1500 });
    expect(accepted).toBeGreaterThan(500);
    const corpus = new URL("../../../../test/fuzz/corpus/remote-write-1.0/", import.meta.url);
    const saved = existsSync(corpus) ? readdirSync(corpus).filter((file) => file.endsWith(".bin")) : [];
    expect(saved.length).toBeGreaterThan(0);
    for (const file of saved) check(readFileSync(new URL(file, corpus)));
    for (const name of ["histogram-exemplar", "metadata", "stale"]) {
      const golden = readFileSync(new URL(`../../../../test/fixtures/remote-write/prometheus-2.42-agent-${name}.snappy`, import.meta.url));
      expect(check(golden)).toBe(true);
    }
  });
});

/**
 * The block format decoded straight from google/snappy's format_description.txt, as slowly and plainly as
 * possible: the differential oracle for our decoder (snappy.ts). Undefined means "invalid".
 */
function referenceDecode(body: Uint8Array, limit: number): number[] | undefined {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= body.length || shift > 28) return undefined;
    const byte = body[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (body.length === 0 || length > limit || length > 0xffffffff) return undefined;
  const out: number[] = [];
  const take = (n: number): number[] | undefined => (pos + n > body.length ? undefined : [...body.subarray(pos, (pos += n))]);
  const littleEndian = (b: number[]) => b.reduce((value, byte, i) => value + byte * 2 ** (8 * i), 0);
  while (pos < body.length) {
    const tag = body[pos++]!;
    if ((tag & 3) === 0) {
      let n = (tag >> 2) + 1;
      if (n > 60) {
        const extra = take(n - 60);
        if (!extra) return undefined;
        n = littleEndian(extra) + 1;
      }
      const literal = take(n);
      if (!literal) return undefined;
      out.push(...literal);
    } else {
      const offsetBytes = take((tag & 3) === 1 ? 1 : (tag & 3) === 2 ? 2 : 4);
      if (!offsetBytes) return undefined;
      const n = (tag & 3) === 1 ? ((tag >> 2) & 7) + 4 : (tag >> 2) + 1;
      const offset = (tag & 3) === 1 ? ((tag >> 5) << 8) + offsetBytes[0]! : littleEndian(offsetBytes);
      if (offset === 0 || offset > out.length) return undefined;
      for (let i = 0; i < n; i++) out.push(out[out.length - offset]!);
    }
    if (out.length > length) return undefined;
  }
  return out.length === length ? out : undefined;
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}
