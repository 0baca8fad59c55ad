// Remote Write 2.0 on /api/v1/write through the local stack: converted to 1.0 for the (1.0-only) AMP stand-in,
// answered with the 2.0 *-Written headers.
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressSnappyBlock } from "@ampgate/core/remote-write/index";
import { startFormatsHarness, type FormatsHarness } from "./formats-harness";

let h: FormatsHarness;
let V2Request: protobuf.Type;
beforeAll(async () => {
  h = await startFormatsHarness("rw2");
  const proto = fileURLToPath(new URL("../../packages/core/src/formats/proto/io/prometheus/write/v2/types.proto", import.meta.url));
  V2Request = (await protobuf.load(proto)).lookupType("io.prometheus.write.v2.Request");
});
afterAll(() => h?.stop());

const HEADERS = {
  "content-type": "application/x-protobuf;proto=io.prometheus.write.v2.Request",
  "content-encoding": "snappy",
  "x-prometheus-remote-write-version": "2.0.0",
};
const encode = (request: object) => compressSnappyBlock(V2Request.encode(V2Request.fromObject(request)).finish());

describe("Remote Write 2.0 → AMP", () => {
  it("is converted to 1.0, stored, and answered with the *-Written headers", async () => {
    const now = Date.now();
    const symbols = ["", "__name__", "rw2_temperature", "job", "pi", "room", "attic", "trace_id", "t1"];
    const response = await h.push("/api/v1/write", {
      headers: HEADERS,
      body: encode({
        symbols,
        timeseries: [{
          labelsRefs: [1, 2, 3, 4, 5, 6],
          samples: [{ value: 18.5, timestamp: now - 1000, startTimestamp: now - 60_000 }, { value: 19, timestamp: now }],
          exemplars: [{ labelsRefs: [7, 8], value: 19, timestamp: now }],
          metadata: { type: 2, helpRef: 0, unitRef: 0 },
        }],
      }),
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("x-prometheus-remote-write-samples-written")).toBe("2");
    expect(response.headers.get("x-prometheus-remote-write-histograms-written")).toBe("0");
    expect(response.headers.get("x-prometheus-remote-write-exemplars-written")).toBe("1");
    const [series] = await h.series('rw2_temperature{room="attic"}');
    expect(series!.metric).toEqual({ __name__: "rw2_temperature", job: "pi", room: "attic", source: "local" });
    expect(series!.value[1]).toBe("19");
  });

  it("bad symbol references are 400, an unknown proto= is 415, and nothing reaches AMP", async () => {
    const before = h.writesAccepted();
    const bad = await h.push("/api/v1/write", { headers: HEADERS, body: encode({ symbols: ["", "__name__"], timeseries: [{ labelsRefs: [1, 5], samples: [{ value: 1, timestamp: Date.now() }] }] }) });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/symbol reference 5 is out of range/);
    const unknown = await h.push("/api/v1/write", { headers: { ...HEADERS, "content-type": "application/x-protobuf;proto=io.prometheus.write.v3.Request" }, body: encode({ symbols: [""] }) });
    expect(unknown.status).toBe(415);
    expect(h.writesAccepted()).toBe(before);
  });
});
