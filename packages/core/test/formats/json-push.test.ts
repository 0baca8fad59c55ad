import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { jsonPushFormat } from "../../src/formats/json/json-push-format";
import { coreRequest, NOW, pushContext } from "./core-request";
import { seriesTable } from "./series-table";

async function push(body: string | Uint8Array, headers: Record<string, string> = { "content-type": "application/json" }) {
  return (await jsonPushFormat.decode(coreRequest({ path: "/api/v1/push/json", headers, body }), pushContext())).writeRequest;
}

describe("JSON push", () => {
  it("converts samples; the push time fills in missing timestamps; booleans and special values are accepted", async () => {
    const request = await push(JSON.stringify([
      { metric: "room_temperature_celsius", labels: { room: "living" }, value: 21.5 },
      { metric: "room_temperature_celsius", labels: { room: "living" }, value: 21.0, timestamp: 1_700_000_000_000 },
      { metric: "relay_on", labels: { relay: "pump" }, value: true },
      { metric: "relay_on", labels: { relay: "fan" }, value: false },
      { metric: "weird", value: "NaN" },
      { metric: "weird", labels: { sign: "+" }, value: "+Inf" },
      { metric: "weird", labels: { sign: "-" }, value: "-Inf" },
      { metric: "no_labels", value: -3 },
    ]));
    expect(seriesTable(request)).toEqual({
      'no_labels{}': [[NOW, -3]],
      'relay_on{relay="fan"}': [[NOW, 0]],
      'relay_on{relay="pump"}': [[NOW, 1]],
      'room_temperature_celsius{room="living"}': [[1_700_000_000_000, 21], [NOW, 21.5]],
      'weird{sign="+"}': [[NOW, Infinity]],
      'weird{sign="-"}': [[NOW, -Infinity]],
      'weird{}': [[NOW, Number.NaN]],
    });
  });

  it("accepts gzip", async () => {
    const request = await push(gzipSync('[{"metric":"up","value":1}]'), { "content-encoding": "gzip" });
    expect(seriesTable(request)).toEqual({ "up{}": [[NOW, 1]] });
  });

  it("an empty array is an empty batch", async () => {
    expect((await push("[]")).timeseries).toEqual([]);
  });

  it.each([
    ["not json", /body is not valid JSON/],
    ['{"metric":"up","value":1}', /^expected a JSON array of samples/],
    ['[{"metric":"up"}]', /^\[0\]\.value: required field is missing$/],
    ['[1]', /^\[0\]: expected an object like/],
    ['[{"metric":"up","value":"high"}]', /^\[0\]\.value: expected a number, true\/false, or "NaN"\/"\+Inf"\/"-Inf"/],
    ['[{"metric":"up","value":1},{"metric":"bad-name","value":1}]', /^\[1\]\.metric: "bad-name" is not a valid metric name/],
    ['[{"metric":"up","value":1,"labels":{"room":5}}]', /^\[0\]\.labels\.room: label values must be strings/],
    ['[{"metric":"up","value":1,"labels":{"my-room":"x"}}]', /^\[0\]\.labels\.my-room: "my-room" is not a valid label name/],
    ['[{"metric":"up","value":1,"labels":{"__name__":"x"}}]', /is reserved/],
    ['[{"metric":"up","value":1,"timestamp":1.5}]', /^\[0\]\.timestamp: expected integer milliseconds/],
    ['[{"metric":"up","value":1,"lables":{}}]', /^\[0\]\.lables: unknown field \(expected metric, labels, value, timestamp\)/],
  ])("rejects %s naming the index and field", async (body, message) => {
    await expect(push(body)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
  });

  it("names at most five problems and counts the rest", async () => {
    const body = JSON.stringify(Array.from({ length: 7 }, () => ({ metric: "up" })));
    await expect(push(body)).rejects.toMatchObject({ message: expect.stringMatching(/^\[0\]\.value: .*\[4\]\.value: .*; and 2 more$/) });
  });
});
