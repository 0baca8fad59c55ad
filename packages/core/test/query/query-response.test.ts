import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsGzip, jsonPayload, toCoreResponse } from "../../src/query/query-response";

const big = jsonPayload(200, { status: "success", data: Array.from({ length: 500 }, (_, i) => `label_value_${i}`) });

describe("acceptsGzip", () => {
  it.each([
    ["gzip", true], ["gzip, deflate, br", true], ["br;q=1.0, gzip;q=0.8", true], ["*", true], ["x-gzip", true],
    ["gzip;q=0", false], ["identity", false], ["deflate", false], ["*;q=0", false], ["", false],
  ])("%s → %s", (value, expected) => {
    expect(acceptsGzip({ headers: value ? { "accept-encoding": value } : {} })).toBe(expected);
  });
});

describe("toCoreResponse", () => {
  it("compresses large bodies for clients that accept gzip and leaves small ones alone", () => {
    const zipped = toCoreResponse(big, { headers: { "accept-encoding": "gzip" } }, 6_000_000);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(zipped.body as Uint8Array).toString()).data).toHaveLength(500);
    const small = toCoreResponse(jsonPayload(200, { status: "success" }), { headers: { "accept-encoding": "gzip" } }, 6_000_000);
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.headers["cache-control"]).toBe("no-store");
  });

  it("reuses upstream gzip bytes instead of compressing again", () => {
    const upstream = new Uint8Array([1, 2, 3]);
    const response = toCoreResponse({ ...big, gzipped: upstream }, { headers: { "accept-encoding": "gzip" } }, 6_000_000);
    expect(response.body).toBe(upstream);
  });

  it("turns a body over the wire limit into a 422 that says why", () => {
    const response = toCoreResponse(big, { headers: {} }, 1_000);
    expect(response.status).toBe(422);
    expect(JSON.parse(response.body as string)).toMatchObject({ errorType: "too_large", error: expect.stringMatching(/over the 1 kB a Lambda can return.*accept gzip/) });
  });
});
