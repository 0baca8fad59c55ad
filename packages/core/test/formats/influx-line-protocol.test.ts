import { describe, expect, it } from "vitest";
import { parseLineProtocol } from "../../src/formats/influx/line-protocol";
import { linePointsToWriteRequest, type StringFieldMode } from "../../src/formats/influx/line-protocol-to-write-request";
import { parsePrecision } from "../../src/formats/influx/precision";
import { seriesTable, type SeriesTable } from "./series-table";

const NOW = 1_700_000_123_456; // request time, ms

function convert(text: string, options: { precision?: string; stringFields?: StringFieldMode } = {}) {
  const parsed = parseLineProtocol(text);
  const converted = linePointsToWriteRequest(parsed.points, {
    precision: parsePrecision(options.precision ?? null),
    nowMs: NOW,
    stringFields: options.stringFields ?? "drop",
  });
  return { series: seriesTable(converted.writeRequest), errors: [...parsed.errors, ...converted.rejected] };
}

describe("line protocol → series (tricky lines)", () => {
  const cases: Array<[string, string, SeriesTable]> = [
    ["plain line with ns timestamp", "cpu,host=a usage=1.5 1700000000000000000", { 'cpu_usage{host="a"}': [[1_700_000_000_000, 1.5]] }],
    [
      "escaped comma/space in measurement, comma/equals/space in tag key, tag value and field key",
      String.raw`my\ meas\,ure,tag\ key=tag\,val\=ue\ x field\=key=1 1000000`,
      { 'my_meas_ure_field_key{tag_key="tag,val=ue x"}': [[1, 1]] },
    ],
    ["unescaped '=' is part of a measurement", "a=b v=1 1000000", { "a_b_v{}": [[1, 1]] }],
    [
      "backslash: \\\\ is one backslash, a backslash before anything else is literal",
      String.raw`m,path=C:\temp\\x v=1 1000000`,
      // seriesTable JSON-quotes values: the label value is C:\temp\x with single backslashes.
      { [`m_v{path=${JSON.stringify("C:\\temp\\x")}}`]: [[1, 1]] },
    ],
    [
      "unicode names are sanitised Telegraf's way; unicode values are kept",
      "temp-°C,loc=Küche,°=dropped v=21.5 1000000",
      { 'temp__C_v{loc="Küche"}': [[1, 21.5]] },
    ],
    [
      "every field type: float, int, uint, bools; strings dropped by default",
      'm f=1.5,i=-3i,u=18446744073709551615u,b=true,B=F,t=T,x=FALSE,s="text" 1000000',
      {
        "m_B{}": [[1, 0]],
        "m_b{}": [[1, 1]],
        "m_f{}": [[1, 1.5]],
        "m_i{}": [[1, -3]],
        "m_t{}": [[1, 1]],
        "m_u{}": [[1, 18446744073709551615]],
        "m_x{}": [[1, 0]],
      },
    ],
    [
      "float spellings",
      "m a=1,b=-1.5e3,c=.5,d=1.,e=1E+2,f=-0 1000000",
      { "m_a{}": [[1, 1]], "m_b{}": [[1, -1500]], "m_c{}": [[1, 0.5]], "m_d{}": [[1, 1]], "m_e{}": [[1, 100]], "m_f{}": [[1, -0]] },
    ],
    ["missing timestamp → request time", "m v=1", { "m_v{}": [[NOW, 1]] }],
    [
      "measurement `prometheus` names the series after the field alone (inputs.prometheus metric_version = 2)",
      'prometheus,le=0.5,url=http://x/metrics http_request_duration_seconds_bucket=3',
      { 'http_request_duration_seconds_bucket{le="0.5",url="http://x/metrics"}': [[NOW, 3]] },
    ],
    [
      "comments, blank lines, CRLF, leading/trailing/multiple spaces",
      "# a comment\r\n\r\n   m v=1   2000000  \r\n\n#another\nm v=2 3000000\r\n",
      { "m_v{}": [[2, 1], [3, 2]] },
    ],
    [
      "a string value may contain escaped quotes, backslashes, commas, spaces and a newline",
      'm s="he said \\"hi\\", \\\\o/\nnext",v=1 1000000\nm v=2 2000000',
      { "m_v{}": [[1, 1], [2, 2]] },
    ],
    [
      "same series twice at one timestamp: the later line wins; samples come out ascending",
      "m v=3 3000000\nm v=1 1000000\nm v=9 1000000",
      { "m_v{}": [[1, 9], [3, 3]] },
    ],
    [
      "nanoseconds are truncated to milliseconds (Telegraf: UnixNano()/1e6)",
      "m v=1 1999999",
      { "m_v{}": [[1, 1]] },
    ],
  ];

  it.each(cases)("%s", (_title, text, expected) => {
    const { series, errors } = convert(text);
    expect(errors).toEqual([]);
    expect(series).toEqual(expected);
  });

  it.each([
    ["ns", "1700000000123000000"],
    ["n", "1700000000123000000"],
    ["us", "1700000000123000"],
    ["u", "1700000000123000"],
    ["ms", "1700000000123"],
  ])("precision %s", (precision, timestamp) => {
    expect(convert(`m v=1 ${timestamp}`, { precision }).series).toEqual({ "m_v{}": [[1_700_000_000_123, 1]] });
  });

  it.each([
    ["s", "1700000000", 1_700_000_000_000],
    ["m", "28333333", 28_333_333 * 60_000],
    ["h", "472222", 472_222 * 3_600_000],
  ])("precision %s", (precision, timestamp, expectedMs) => {
    expect(convert(`m v=1 ${timestamp}`, { precision }).series).toEqual({ "m_v{}": [[expectedMs, 1]] });
  });

  it("without a timestamp, the request time is truncated to the precision, as InfluxDB does", () => {
    expect(convert("m v=1", { precision: "s" }).series).toEqual({ "m_v{}": [[1_700_000_123_000, 1]] });
    expect(convert("m v=1", { precision: "h" }).series).toEqual({ "m_v{}": [[Math.floor(NOW / 3_600_000) * 3_600_000, 1]] });
  });

  it("negative timestamps before 1970 are allowed", () => {
    expect(convert("m v=1 -1000", { precision: "s" }).series).toEqual({ "m_v{}": [[-1_000_000, 1]] });
  });

  it("string fields become labels when configured; a tag of the same name wins (prometheus_string_as_label)", () => {
    const { series } = convert('syslog,host=a,severity=tag message="disk full",severity="field",code=3i 1000000', {
      stringFields: "label",
    });
    expect(series).toEqual({ 'syslog_code{host="a",message="disk full",severity="tag"}': [[1, 3]] });
  });
});

describe("malformed lines are rejected with their line number, the rest is kept", () => {
  const bad: Array<[string, RegExp]> = [
    ["m", /missing fields/],
    ["m v", /expected '=' after field key "v"/],
    ["m v=", /missing value for field "v"/],
    ["m v=abc", /invalid value "abc" for field "v"/],
    ["m v=NaN", /invalid value "NaN"/],
    ["m v=0x10", /invalid value "0x10"/],
    ["m v=1i2", /invalid value "1i2"/],
    ["m v=9223372036854775808i", /out of int64 range/],
    ["m v=-1u", /invalid unsigned value/],
    ["m v=18446744073709551616u", /out of uint64 range/],
    ["m,t v=1", /expected '=' after tag key "t"/],
    ["m,t= v=1", /missing value for tag "t"/],
    ["m,t=a=b v=1", /unescaped '=' in the value of tag "t"/],
    ["m,t=a,t=b v=1", /duplicate tag key "t"/],
    [",t=1 v=1", /missing measurement/],
    ["m\tx v=1", /control character/],
    ["m v=1,", /missing field key/],
    ["m v=1 abc", /invalid timestamp "abc"/],
    ["m v=1 1 2", /unexpected text after the timestamp/],
    ["m v=1 99999999999999999999", /out of int64 range/],
    ['m v="x"y', /unexpected "y" after the string value/],
    ['m v="unterminated', /no closing quote/],
  ];

  it.each(bad)("%j", (line, message) => {
    const text = `good v=1 1000000\n${line}\ngood v=2 2000000\n`;
    const { series, errors } = convert(text);
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(message) }]);
    expect(series).toEqual({ "good_v{}": [[1, 1], [2, 2]] });
  });

  it("a timestamp that overflows int64 nanoseconds at the request's precision is rejected", () => {
    const { errors } = convert("m v=1 9223372036854775", { precision: "s" });
    expect(errors).toEqual([{ line: 1, message: expect.stringMatching(/outside the int64 nanosecond range/) }]);
  });

  it("a field whose name cannot become a Prometheus name is reported, not silently dropped", () => {
    const { series, errors } = convert("温度,部屋=居間 値=21.5,ok=1 1000000");
    expect(errors).toEqual([{ line: 1, message: expect.stringMatching(/no valid Prometheus metric name .*"温度_値"/) }]);
    // The measurement sanitises to nothing, so "ok" is `_ok` → trimmed to `ok`, which is valid.
    expect(series).toEqual({ "ok{}": [[1, 1]] });
  });

  it("two tags that sanitise to the same label name reject the line", () => {
    const { errors } = convert("m,a-b=1,a_b=2 v=1");
    expect(errors).toEqual([{ line: 1, message: 'tags "a-b" and "a_b" both become label "a_b"' }]);
  });

  it("line numbers count physical lines, including those inside multi-line strings", () => {
    const { errors } = convert('m s="one\ntwo",v=1 1000000\n\n# c\nm v=oops\nm v=2');
    expect(errors).toEqual([{ line: 5, message: expect.stringMatching(/invalid value "oops"/) }]);
  });
});
