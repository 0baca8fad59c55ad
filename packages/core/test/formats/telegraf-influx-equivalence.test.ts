/**
 * The promise made to Telegraf users: switching `data_format` from `prometheusremotewrite` to `influx` keeps the
 * same series. The remote-write side is an independent oracle — a hand-written list of what Telegraf's
 * serializer emits (fixture, built from reference §5.1) — sent through the real remote-write path (protobuf +
 * snappy → decode → validate); the influx side is a Telegraf-shaped line-protocol batch through the influx path.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { influxV2Format } from "../../src/formats/influx/influx-push-format";
import { remoteWriteFormat } from "../../src/formats/remote-write";
import { compressSnappyBlock, encodeWriteRequest, validateWriteRequest } from "../../src/remote-write";
import type { TimeSeries, WriteRequest } from "../../src/remote-write/types";
import { coreRequest, pushContext } from "./core-request";
import { seriesName } from "./series-table";

const fixture = (name: string) => readFileSync(new URL(`../../../../test/fixtures/formats/${name}`, import.meta.url));

interface FixtureSeries {
  labels: Array<[string, string]>;
  samples: Array<[number, number]>;
}

function telegrafRemoteWriteBody(): Uint8Array {
  const { timeseries } = JSON.parse(fixture("telegraf-batch.prometheusremotewrite.json").toString()) as { timeseries: FixtureSeries[] };
  const request: WriteRequest = {
    metadata: [],
    timeseries: timeseries.map((series) => ({
      labels: series.labels.map(([name, value]) => ({ name, value })),
      samples: series.samples.map(([timestamp, value]) => ({ timestamp, value })),
      exemplars: [],
      histograms: [],
    })),
  };
  return compressSnappyBlock(encodeWriteRequest(request));
}

const bySeries = (request: WriteRequest): TimeSeries[] =>
  [...request.timeseries].sort((a, b) => (seriesName(a.labels) < seriesName(b.labels) ? -1 : 1));

describe("Telegraf: influx and prometheusremotewrite give the same series", () => {
  it("a Telegraf-shaped batch (cpu, mem, disk, system, net, exec, SwitchBot, odd names, inputs.prometheus)", async () => {
    const viaRemoteWrite = validateWriteRequest(
      (await remoteWriteFormat.decode(
        coreRequest({
          path: "/api/v1/write",
          headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy" },
          body: telegrafRemoteWriteBody(),
        }),
        pushContext(),
      )).writeRequest,
    );
    const influx = await influxV2Format.decode(
      coreRequest({ path: "/api/v2/write", query: "org=home&bucket=telegraf", body: fixture("telegraf-batch.influx") }),
      pushContext(),
    );
    expect(influx.rejected).toEqual([]);
    const viaInflux = validateWriteRequest(influx.writeRequest);

    expect(viaInflux.timeseries).toHaveLength(26);
    expect(bySeries(viaInflux)).toEqual(bySeries(viaRemoteWrite));
  });
});
