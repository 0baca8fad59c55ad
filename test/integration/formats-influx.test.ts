// Influx line protocol through the local stack into the Prometheus stand-in, as Telegraf's outputs.influxdb_v2,
// outputs.influxdb (v1) and outputs.http (data_format = "influx", gzip) send it.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_TOKEN, startFormatsHarness, type FormatsHarness } from "./formats-harness";

let h: FormatsHarness;
beforeAll(async () => {
  h = await startFormatsHarness("influx");
});
afterAll(() => h?.stop());

const nowNs = () => `${Date.now()}000000`;

describe("Influx line protocol → AMP", () => {
  it("v2 (/api/v2/write, Authorization: Token, gzip) lands Telegraf-named series with the token's labels", async () => {
    const body = gzipSync(
      `cpu,cpu=cpu-total,host=pi4 usage_idle=97.5,usage_user=1.25 ${nowNs()}\n` +
      `switchbot,device=Plug\\ Mini,host=pi4 power=12.5,on=true,note="ignored" ${nowNs()}\n`,
    );
    const response = await h.push("/api/v2/write?org=home&bucket=telegraf&precision=ns", {
      headers: { authorization: `Token ${INGEST_TOKEN}`, "content-type": "text/plain; charset=utf-8", "content-encoding": "gzip" },
      body,
    });
    expect(response.status).toBe(204);
    const [idle] = await h.series('cpu_usage_idle{host="pi4"}');
    expect(idle!.metric).toEqual({ __name__: "cpu_usage_idle", cpu: "cpu-total", host: "pi4", source: "local" });
    expect(idle!.value[1]).toBe("97.5");
    const [on] = await h.series('switchbot_on{device="Plug Mini"}');
    expect(on!.value[1]).toBe("1");
    expect(await h.query('{__name__=~"switchbot_note.*"}')).toEqual([]);
  });

  it("v1 (/write?db=&u=&p=) takes the token from the query string; precision=s", async () => {
    const seconds = Math.floor(Date.now() / 1000);
    const response = await h.push(`/write?db=telegraf&precision=s&u=pi&p=${encodeURIComponent(INGEST_TOKEN)}`, {
      headers: { authorization: "" },
      body: `mem,host=pi4 used_percent=23.4 ${seconds}\n`,
    });
    expect(response.status).toBe(204);
    expect((await h.series('mem_used_percent{host="pi4"}'))[0]!.value).toEqual([expect.any(Number), "23.4"]);
  });

  it("partial write: good lines are written, the 400 names the bad ones in InfluxDB's JSON", async () => {
    const response = await h.push("/api/v2/write?bucket=b", {
      body: `partial,n=1 ok=1 ${nowNs()}\npartial,n=2 ok= ${nowNs()}\npartial,n=3 ok=3 ${nowNs()}\n`,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({
      code: "invalid",
      line: 2,
      message: 'partial write: 1 line(s) rejected, 2 sample(s) written; line 2: missing value for field "ok"',
    });
    const written = await h.series("partial_ok");
    expect(written.map((s) => s.metric.n).sort()).toEqual(["1", "3"]);
  });

  it("bad input is a 4xx in the dialect's JSON and nothing reaches AMP", async () => {
    const before = h.writesAccepted();
    const allBad = await h.push("/write?db=x", { body: "nothing here\nstill=nothing\n" });
    expect(allBad.status).toBe(400);
    expect(JSON.parse(allBad.text).error).toMatch(/^partial write: unable to parse line 1: .* dropped=2$/);
    const precision = await h.push("/api/v2/write?precision=weeks", { body: "m v=1" });
    expect(precision.status).toBe(400);
    expect(JSON.parse(precision.text)).toEqual({ code: "invalid", message: expect.stringMatching(/precision "weeks"/) });
    const wrongToken = await h.push("/api/v2/write", { headers: { authorization: "Token ag_wrong" }, body: "m v=1" });
    expect(wrongToken.status).toBe(401);
    expect(JSON.parse(wrongToken.text).code).toBe("unauthorized");
    expect(h.writesAccepted()).toBe(before);
  });
});
