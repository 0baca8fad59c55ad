import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/remote-write/codec";
import { writeRequestSize } from "../../src/remote-write/encoded-size";
import { writeRequest } from "./arbitraries";
import { reflectionDecode, reflectionEncode } from "./support";

/** Decoding must either succeed or throw a RequestError — never a TypeError, RangeError or a hang. */
function decodesOrRejects(bytes: Uint8Array): void {
  try {
    decodeWriteRequest(bytes);
  } catch (error) {
    if (!(error instanceof RequestError) || error.status !== 400) throw error;
  }
}

describe("codec properties", () => {
  it("decode(encode(r)) equals r, and the computed size equals the encoded length", () => {
    fc.assert(
      fc.property(writeRequest, (request) => {
        const bytes = encodeWriteRequest(request);
        expect(writeRequestSize(request)).toBe(bytes.length);
        expect(decodeWriteRequest(bytes)).toEqual(request);
      }),
      { numRuns: 500 },
    );
  });

  it("reads what protobufjs reflection writes and vice versa (stale markers aside: reflection cannot express them)", () => {
    const withoutStale = writeRequest.filter((r) =>
      r.timeseries.every((s) => s.samples.every((x) => !x.stale) && s.histograms.every((h) => !h.stale)));
    fc.assert(
      fc.property(withoutStale, (request) => {
        expect(decodeWriteRequest(reflectionEncode(request))).toEqual(request);
        expect(() => reflectionDecode(encodeWriteRequest(request))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes never throw anything but a 400 RequestError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => decodesOrRejects(bytes)), { numRuns: 3000 });
  });

  it("valid bodies with bytes overwritten, inserted or cut never throw anything but a 400 RequestError", () => {
    const mutated = fc
      .tuple(writeRequest, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "cut")), { minLength: 1, maxLength: 4 }))
      .map(([request, edits]) => {
        const bytes = [...encodeWriteRequest(request)];
        for (const [at, byte, edit] of edits) {
          if (bytes.length === 0) break;
          const i = at % bytes.length;
          if (edit === "set") bytes[i] = byte;
          else if (edit === "insert") bytes.splice(i, 0, byte);
          else bytes.length = i;
        }
        return new Uint8Array(bytes);
      });
    fc.assert(fc.property(mutated, (bytes) => decodesOrRejects(bytes)), { numRuns: 2000 });
  });
});
