import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatFloatPlain } from "../../src/formats/go-format-float";
import { prometheusLabelName, prometheusMetricName, prometheusUnit, type OtlpMetricKind } from "../../src/formats/otlp/otlp-names";

describe("OTLP metric names (prometheus/otlptranslator MetricNamer, suffixes on, legacy names)", () => {
  const cases: Array<[name: string, unit: string, kind: OtlpMetricKind, expected: string]> = [
    ["http.server.duration", "s", "histogram", "http_server_duration_seconds"],
    ["requests.count", "1", "monotonic-counter", "requests_count_total"],
    ["memory.usage", "By", "gauge", "memory_usage_bytes"],
    ["system.network.io", "By/s", "gauge", "system_network_io_bytes_per_second"],
    ["requests", "{request}", "monotonic-counter", "requests_total"],
    ["requests_total", "", "monotonic-counter", "requests_total"],
    ["total.requests", "", "monotonic-counter", "requests_total"],
    ["cpu.utilization", "1", "gauge", "cpu_utilization_ratio"],
    ["cpu.utilization", "1", "non-monotonic-counter", "cpu_utilization"],
    ["ratio.of.things", "1", "gauge", "of_things_ratio"],
    ["latency_seconds", "s", "histogram", "latency_seconds"],
    ["room.temperature", "Cel", "gauge", "room_temperature_celsius"],
    ["energy", "kWh", "monotonic-counter", "energy_kWh_total"],
    ["throughput", "{packets}/s", "gauge", "throughput_per_second"],
    ["throughput", "1/{x}", "gauge", "throughput"],
    ["weird..__name--x", "", "gauge", "weird_name_x"],
    ["2xx.responses", "", "monotonic-counter", "_2xx_responses_total"],
    ["ns:metric", "", "gauge", "ns:metric"],
    ["température", "", "gauge", "temp_rature"],
    ["...", "", "gauge", ""],
    ["", "s", "gauge", "seconds"],
  ];
  it.each(cases)("%j unit %j (%s) → %j", (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind)).toBe(expected);
  });

  it.each([["s", "seconds"], ["By/s", "bytes_per_second"], ["1", ""], ["{request}", ""], ["req/{x}", "req"], ["m/s", "meters_per_second"]])(
    "unit %j → %j",
    (unit, expected) => expect(prometheusUnit(unit)).toBe(expected),
  );
});

describe("OTLP attribute keys → label names (LabelNamer)", () => {
  it.each([
    ["http.method", "http_method"],
    ["123invalid", "key_123invalid"],
    ["_private", "key_private"],
    ["__reserved__", "__reserved__"],
    ["valid_label", "valid_label"],
    ["label-with-dash", "label_with_dash"],
    ["ünïcode", "key_n_code"],
  ])("%j → %j", (key, expected) => expect(prometheusLabelName(key)).toBe(expected));
});

describe("Go's FormatFloat(v, 'f', -1, 64) for le/quantile values", () => {
  it.each([
    [0.005, "0.005"], [1, "1"], [2.5, "2.5"], [1e21, "1000000000000000000000"], [1.5e22, "15000000000000000000000"],
    [1e-7, "0.0000001"], [1.25e-8, "0.0000000125"], [-3e-7, "-0.0000003"], [123456789012, "123456789012"],
    [Infinity, "+Inf"], [-Infinity, "-Inf"], [Number.NaN, "NaN"],
  ])("%d → %s", (value, expected) => expect(formatFloatPlain(value)).toBe(expected));
});

describe("OTLP descriptor", () => {
  it("otlp-metrics.json is what pbjs makes of the .proto files (regenerate it after editing them)", () => {
    const protoDir = fileURLToPath(new URL("../../src/formats/proto/", import.meta.url));
    const out = join(mkdtempSync(join(tmpdir(), "ampgate-pbjs-")), "otlp-metrics.json");
    const pbjs = fileURLToPath(new URL("../../../../node_modules/.bin/pbjs", import.meta.url));
    execFileSync(pbjs, ["-t", "json", "-p", ".", "opentelemetry/proto/collector/metrics/v1/metrics_service.proto", "google/rpc/status.proto", "-o", out], { cwd: protoDir });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(JSON.parse(readFileSync(join(protoDir, "otlp-metrics.json"), "utf8")));
  });
});
