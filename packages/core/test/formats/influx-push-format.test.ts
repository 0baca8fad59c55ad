import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { influxV1Format, influxV2Format, influxPushFormat } from "../../src/formats/influx/influx-push-format";
import type { PushFormat, PushOutcome } from "../../src/ingest/push-format";
import { coreRequest, pushContext } from "./core-request";
import { seriesTable } from "./series-table";

async function decode(format: PushFormat, shape: Parameters<typeof coreRequest>[0]) {
  return format.decode(coreRequest({ path: "/api/v2/write", ...shape }), pushContext());
}

function outcomeOf(decoded: Awaited<ReturnType<typeof decode>>): PushOutcome {
  const samples = decoded.writeRequest.timeseries.reduce((n, s) => n + s.samples.length, 0);
  return { request: coreRequest({ path: "/api/v2/write" }), decoded, samplesWritten: samples, histogramsWritten: 0, exemplarsWritten: 0 };
}

const BATCH = "cpu,host=a usage=1 1000000\ncpu,host=a usage= 2000000\nmem used=5i 3000000\nmem,x=1 free 4000000\n";

describe("influx push formats", () => {
  it("accepts a gzip body (Telegraf content_encoding = \"gzip\")", async () => {
    const decoded = await decode(influxV2Format, {
      headers: { "content-encoding": "gzip" },
      body: gzipSync("cpu,host=a usage=1 1000000\n"),
    });
    expect(seriesTable(decoded.writeRequest)).toEqual({ 'cpu_usage{host="a"}': [[1, 1]] });
  });

  it("bounds the decompressed size: a gzip bomb is a 413, not an allocation", async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, "a"));
    const request = coreRequest({ headers: { "content-encoding": "gzip" }, body: bomb });
    expect(() => influxV2Format.decode(request, pushContext({ maxDecodedBytes: 64 * 1024 }))).toThrow(
      expect.objectContaining({ status: 413, reason: "body_too_large" }),
    );
  });

  it("rejects an unknown Content-Encoding with 415 and corrupt gzip with 400", async () => {
    await expect(decode(influxV2Format, { headers: { "content-encoding": "br" }, body: "x" })).rejects.toMatchObject({ status: 415 });
    await expect(decode(influxV2Format, { headers: { "content-encoding": "gzip" }, body: "not gzip" })).rejects.toMatchObject({
      status: 400,
      reason: "invalid_compression",
    });
  });

  it("rejects an unknown precision naming the allowed ones", async () => {
    await expect(decode(influxV2Format, { query: "precision=fortnight", body: "m v=1" })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/precision "fortnight" is not one of ns, us, ms, s/),
    });
  });

  it("honours ?precision= and ?string_fields=", async () => {
    const decoded = await decode(influxV1Format, { query: "db=telegraf&precision=s&string_fields=label", body: 'm,h=a v=1,s="x" 2' });
    expect(seriesTable(decoded.writeRequest)).toEqual({ 'm_v{h="a",s="x"}': [[2000, 1]] });
  });

  it("a deployment can make string fields labels by default", async () => {
    const decoded = await decode(influxPushFormat("v2", { stringFields: "label" }), { body: 'm v=1,s="x" 1000000' });
    expect(seriesTable(decoded.writeRequest)).toEqual({ 'm_v{s="x"}': [[1, 1]] });
  });

  it("names lines with invalid UTF-8 and keeps the others", async () => {
    const body = Buffer.concat([Buffer.from("m v=1 1000000\nm,t="), Buffer.from([0xff, 0xfe]), Buffer.from(" v=2\nm v=3 3000000\n")]);
    const decoded = await decode(influxV2Format, { body });
    expect(decoded.rejected).toEqual([{ position: 2, reason: "invalid_line", message: "line is not valid UTF-8" }]);
    expect(seriesTable(decoded.writeRequest)).toEqual({ "m_v{}": [[1, 1], [3, 3]] });
  });

  it("everything written → 204 with no body", async () => {
    const decoded = await decode(influxV2Format, { body: "m v=1" });
    expect(influxV2Format.respond!(outcomeOf(decoded))).toEqual({ status: 204, headers: {}, body: "" });
  });

  it("partial write, v2: 400 with the API's LineProtocolError JSON (code, message, first line)", async () => {
    const decoded = await decode(influxV2Format, { body: BATCH });
    expect(seriesTable(decoded.writeRequest)).toEqual({ 'cpu_usage{host="a"}': [[1, 1]], "mem_used{}": [[3, 5]] });
    const response = influxV2Format.respond!(outcomeOf(decoded));
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body as string);
    expect(body).toEqual({
      code: "invalid",
      line: 2,
      message:
        'partial write: 2 line(s) rejected, 2 sample(s) written; line 2: missing value for field "usage"; line 4: expected \'=\' after field key "free", found \" \"',
    });
    expect(body.message).not.toContain("\n");
  });

  it("partial write, v1: 400 with InfluxDB 1.x's {\"error\": \"partial write: … dropped=N\"}", async () => {
    const decoded = await decode(influxV1Format, { path: "/write", body: BATCH });
    const response = influxV1Format.respond!(outcomeOf(decoded));
    expect(response.status).toBe(400);
    const { error } = JSON.parse(response.body as string);
    // Telegraf's v1 output matches "partial write" / "unable to parse" and drops the batch instead of retrying.
    expect(error).toMatch(/^partial write: unable to parse line 2: .*; line 4: .* dropped=2$/);
  });

  it("names at most five failed lines and counts the rest", async () => {
    const decoded = await decode(influxV2Format, { body: Array.from({ length: 8 }, () => "bad").join("\n") });
    const { message } = JSON.parse(influxV2Format.respond!(outcomeOf(decoded)).body as string);
    expect(message).toMatch(/line 5: missing fields.*; and 3 more$/);
    expect(message).not.toMatch(/line 6/);
  });

  it("errors are shaped per dialect", () => {
    const error = new RequestError(401, "unauthorized", "invalid ingest token");
    const request = coreRequest();
    expect(JSON.parse(influxV1Format.respondError!(error, request).body as string)).toEqual({ error: "invalid ingest token" });
    expect(JSON.parse(influxV2Format.respondError!(error, request).body as string)).toEqual({
      code: "unauthorized",
      message: "invalid ingest token",
    });
    expect(influxV2Format.respondError!(new RequestError(503, "amp_unavailable", "retry"), request).status).toBe(503);
  });

  it("v1 takes the token from ?p= (InfluxDB 1.x query-string credentials); v2 does not", () => {
    const request = coreRequest({ path: "/write", query: "db=x&u=pi&p=secret-token" });
    expect(influxV1Format.credential!(request)).toBe("secret-token");
    expect(influxV1Format.credential!(coreRequest({ path: "/write", query: "db=x" }))).toBeUndefined();
    expect(influxV2Format.credential).toBeUndefined();
  });
});
