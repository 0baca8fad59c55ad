import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseExposition } from "../../src/formats/prometheus-text/exposition-parser";
import { prometheusTextFormat } from "../../src/formats/prometheus-text/prometheus-text-push-format";
import { parseGroupingKey } from "../../src/formats/prometheus-text/pushgateway-grouping-key";
import { MetricType } from "../../src/remote-write/types";
import { coreRequest, NOW, pushContext } from "./core-request";
import { seriesTable } from "./series-table";

const PUSH_TIME: [number, number] = [NOW, NOW / 1000];

async function push(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const decoded = await prometheusTextFormat.decode(coreRequest({ method: "PUT", path, headers, body }), pushContext());
  return decoded.writeRequest;
}

const TEXT_BODY = String.raw`# A comment that is not HELP or TYPE
# HELP http_requests_total The total number of HTTP requests.\nSecond line with a \\ backslash.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values: C:\DIR\FILE.TXT, a "quote" and a newline.
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line, NaN and infinities:
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
nan_value NaN
negative_inf	-Inf

# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5",} 4773
rpc_duration_seconds{ quantile = "0.99" } 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE room_temperature_celsius gauge
room_temperature_celsius{room="living"} 21.5
`;

describe("Prometheus text format 0.0.4", () => {
  it("counters, gauges, histograms, summaries, comments, escapes, special values, timestamps", async () => {
    const request = await push("/metrics/job/pi", TEXT_BODY);
    expect(seriesTable(request)).toEqual({
      'http_request_duration_seconds_bucket{job="pi",le="+Inf"}': [[NOW, 144320]],
      'http_request_duration_seconds_bucket{job="pi",le="0.05"}': [[NOW, 24054]],
      'http_request_duration_seconds_bucket{job="pi",le="0.1"}': [[NOW, 33444]],
      'http_request_duration_seconds_count{job="pi"}': [[NOW, 144320]],
      'http_request_duration_seconds_sum{job="pi"}': [[NOW, 53423]],
      'http_requests_total{code="200",job="pi",method="post"}': [[1395066363000, 1027]],
      'http_requests_total{code="400",job="pi",method="post"}': [[1395066363000, 3]],
      'metric_without_timestamp_and_labels{job="pi"}': [[NOW, 12.47]],
      [`msdos_file_access_time_seconds{error=${JSON.stringify('Cannot find file:\n"FILE.TXT"')},job="pi",path=${JSON.stringify("C:\\DIR\\FILE.TXT")}}`]:
        [[NOW, 1458255915]],
      'nan_value{job="pi"}': [[NOW, Number.NaN]],
      'negative_inf{job="pi"}': [[NOW, -Infinity]],
      'push_time_seconds{job="pi"}': [PUSH_TIME],
      'room_temperature_celsius{job="pi",room="living"}': [[NOW, 21.5]],
      'rpc_duration_seconds_count{job="pi"}': [[NOW, 2693]],
      'rpc_duration_seconds_sum{job="pi"}': [[NOW, 17560473]],
      'rpc_duration_seconds{job="pi",quantile="0.5"}': [[NOW, 4773]],
      'rpc_duration_seconds{job="pi",quantile="0.99"}': [[NOW, 76656]],
      'something_weird{job="pi",problem="division by zero"}': [[-3982045, Infinity]],
    });
  });

  it("TYPE and HELP become remote-write metadata (HELP unescaped)", async () => {
    const request = await push("/metrics/job/pi", TEXT_BODY);
    expect(request.metadata).toEqual(expect.arrayContaining([
      {
        type: MetricType.COUNTER,
        metricFamilyName: "http_requests_total",
        help: "The total number of HTTP requests.\nSecond line with a \\ backslash.",
        unit: "",
      },
      { type: MetricType.HISTOGRAM, metricFamilyName: "http_request_duration_seconds", help: "", unit: "" },
      { type: MetricType.SUMMARY, metricFamilyName: "rpc_duration_seconds", help: "", unit: "" },
      { type: MetricType.GAUGE, metricFamilyName: "room_temperature_celsius", help: "", unit: "" },
    ]));
  });

  it.each([
    ["metric{a=\"1\" 2", /line 1: expected '}' or ',' after a label/],
    ["metric{a=1} 2", /line 1: expected '"' to open the value of label "a"/],
    ["metric{a=\"1\",a=\"2\"} 2", /label "a" appears twice/],
    ["metric", /missing value for metric/],
    ["metric abc", /invalid value for metric "abc"/],
    ["metric 1 1.5", /invalid timestamp "1.5": expected integer milliseconds/],
    ["metric 1 2 3", /unexpected "3" after the timestamp/],
    ["{\"utf8.name\"} 1", /quoted \(UTF-8\) metric and label names are not supported/],
    ["# TYPE m counter\n# TYPE m gauge\nm 1", /line 2: second TYPE line for m/],
    ["m 1\n# TYPE m counter", /line 2: second TYPE line for m, or TYPE after its samples/],
    ["# TYPE m histogram\nm_bucket 1", /line 2: histogram bucket m_bucket has no "le" label/],
    ["# TYPE m summary\nm 1", /summary quantile m has no "quantile" label/],
    ["# TYPE m fancy\nm 1", /unknown type "fancy" for m/],
    ["ok 1\nbad{x=\"unterminated} 1", /line 2: unterminated value of label "x"/],
  ])("rejects %j with the line number", async (body, message) => {
    await expect(push("/metrics/job/pi", body)).rejects.toMatchObject({ status: 400, reason: "invalid_exposition", message: expect.stringMatching(message) });
  });
});

describe("OpenMetrics 1.0", () => {
  const OPENMETRICS_BODY = [
    "# TYPE acme_http_router_request_seconds summary",
    "# UNIT acme_http_router_request_seconds seconds",
    "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
    'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32 1520879607.789',
    'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0 1520879607.789',
    "# TYPE foo counter",
    'foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879602.0',
    "# TYPE bar gauge",
    "bar 1",
    "# EOF",
    "",
  ].join("\n");

  it("is recognised by # EOF, takes timestamps in seconds, keeps exemplars and UNIT", async () => {
    const request = await push("/metrics/job/om", OPENMETRICS_BODY);
    expect(seriesTable(request)).toEqual({
      'acme_http_router_request_seconds_count{job="om",method="GET",path="/api/v1"}': [[1520879607789, 807283]],
      'acme_http_router_request_seconds_sum{job="om",method="GET",path="/api/v1"}': [[1520879607789, 9036.32]],
      'bar{job="om"}': [[NOW, 1]],
      'foo_total{job="om"}': [[1520879607789, 17]],
      'push_time_seconds{job="om"}': [PUSH_TIME],
    });
    const foo = request.timeseries.find((s) => s.labels.some((l) => l.value === "foo_total"))!;
    expect(foo.exemplars).toEqual([{ labels: [{ name: "trace_id", value: "KOO5S4vxi0o" }], value: 0.67, timestamp: 1520879602000 }]);
    expect(request.metadata).toContainEqual({
      type: MetricType.SUMMARY,
      metricFamilyName: "acme_http_router_request_seconds",
      help: "Latency though all of ACME's HTTP request router.",
      unit: "seconds",
    });
  });

  it("is recognised by Content-Type even when # EOF is missing, and then requires it", async () => {
    await expect(push("/metrics/job/om", "bar 1\n", { "content-type": "application/openmetrics-text; version=1.0.0" })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/does not end with # EOF/),
    });
  });

  it("rejects content after # EOF", async () => {
    await expect(push("/metrics/job/om", "bar 1\n# EOF\nbaz 2\n", { "content-type": "application/openmetrics-text" })).rejects.toMatchObject({
      message: expect.stringMatching(/line 3: content after # EOF/),
    });
  });

  it("parses gaugehistogram, info and stateset families", () => {
    const parsed = parseExposition(
      ['# TYPE q gaugehistogram', 'q_bucket{le="+Inf"} 3', "q_gcount 3", "q_gsum 4", "# TYPE b info", 'b_info{version="1"} 1', "# TYPE s stateset", 's{s="a"} 1', "# EOF"].join("\n"),
      "openmetrics",
    );
    expect(parsed.samples.map((s) => s.name)).toEqual(["q_bucket", "q_gcount", "q_gsum", "b_info", "s"]);
    expect([...parsed.families.values()].map((f) => f.type)).toEqual(["gaugehistogram", "info", "stateset"]);
  });
});

describe("Pushgateway URL grammar", () => {
  it.each([
    ["/metrics/job/backup", [["job", "backup"]]],
    ["/metrics/job/backup/instance/db1", [["job", "backup"], ["instance", "db1"]]],
    ["/metrics/job/backup/instance/db1/", [["job", "backup"], ["instance", "db1"]]],
    ["/prod/metrics/job/backup", [["job", "backup"]]],
    ["/metrics/job/some%20job/path/%2Fvar%2Ftmp", [["job", "some job"], ["path", "/var/tmp"]]],
    ["/metrics/job@base64/L3Zhci90bXA", [["job", "/var/tmp"]]],
    ["/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA", [["job", "directory_cleaner"], ["path", "/var/tmp"]]],
    ["/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA=", [["job", "directory_cleaner"], ["path", "/var/tmp"]]],
    ["/metrics/job/example/first_label@base64/=", [["job", "example"], ["first_label", ""]]],
    ["/metrics/job/x/name@base64/w6TDtsO8", [["job", "x"], ["name", "äöü"]]],
    ["/metrics/job/x/u@base64/Pz8_Pz4-", [["job", "x"], ["u", "????>>"]]],
  ])("%s", (path, expected) => {
    expect(parseGroupingKey(path).map((l) => [l.name, l.value])).toEqual(expected);
  });

  it.each([
    ["/metrics/instance/x", /must be \/metrics\/job\/<job>/],
    ["/metrics/job//instance/x", /job name must not be empty/],
    ["/metrics/job@base64/=", /job name must not be empty/],
    ["/metrics/job/x/instance", /label "instance" has no value/],
    ["/metrics/job/x/bad-name/v", /"bad-name" is not a valid grouping label name/],
    ["/metrics/job/x/__name__/v", /"__name__" is not a valid grouping label name/],
    ["/metrics/job/x/job/y", /grouping label "job" appears twice/],
    ["/metrics/job/x/a@base64/not*base64", /value of a@base64 is not base64url/],
    ["/metrics/job/x/a@base64/_w", /does not decode to UTF-8 text/],
    ["/metrics/job/x/a/%E0%A4%A", /not valid percent-encoding/],
  ])("rejects %s", (path, message) => {
    expect(() => parseGroupingKey(path)).toThrow(expect.objectContaining({ status: 400, reason: "invalid_grouping_key", message: expect.stringMatching(message) }));
  });

  it("grouping-key labels override same-named labels in the body", async () => {
    const request = await push("/metrics/job/backup/instance/db1", 'last_success{job="other",instance="x",kind="full"} 1\n');
    expect(seriesTable(request)).toEqual({
      'last_success{instance="db1",job="backup",kind="full"}': [[NOW, 1]],
      'push_time_seconds{instance="db1",job="backup"}': [PUSH_TIME],
    });
  });
});

describe("prometheus-text push format", () => {
  it("accepts gzip bodies and answers 200, as the Pushgateway does (client_golang rejects 204)", async () => {
    const request = await push("/metrics/job/pi", gzipSync("up 1\n"), { "content-encoding": "gzip" });
    expect(seriesTable(request)['up{job="pi"}']).toEqual([[NOW, 1]]);
    const pushed = coreRequest({ path: "/metrics/job/pi" });
    expect(prometheusTextFormat.respond!({ request: pushed, decoded: { writeRequest: request, rejected: [] }, samplesWritten: 2, histogramsWritten: 0, exemplarsWritten: 0 }).status).toBe(200);
  });

  it("refuses the Pushgateway's protobuf body with 415", async () => {
    await expect(push("/metrics/job/pi", "x", { "content-type": "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited" })).rejects.toMatchObject({ status: 415 });
  });

  it("names the line with invalid UTF-8", async () => {
    const body = Buffer.concat([Buffer.from("up 1\nbad{x=\""), Buffer.from([0xc3, 0x28]), Buffer.from('"} 1\n')]);
    await expect(push("/metrics/job/pi", body)).rejects.toMatchObject({ status: 400, message: "line 2: not valid UTF-8" });
  });
});
