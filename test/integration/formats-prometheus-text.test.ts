// Pushgateway-style text pushes through the local stack into the Prometheus stand-in, as `curl --data-binary`
// and client libraries' push_to_gateway() send them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFormatsHarness, valuesBy, type FormatsHarness } from "./formats-harness";

let h: FormatsHarness;
beforeAll(async () => {
  h = await startFormatsHarness("prometheus-text");
});
afterAll(() => h?.stop());

describe("Prometheus text push → AMP", () => {
  it("PUT /metrics/job/<job>/<label>/<value> with the text format; grouping key wins; push_time_seconds recorded", async () => {
    const body = [
      "# HELP backup_last_success_timestamp_seconds Last successful backup.",
      "# TYPE backup_last_success_timestamp_seconds gauge",
      `backup_last_success_timestamp_seconds{job="ignored"} ${Date.now() / 1000}`,
      "# TYPE backup_duration_seconds histogram",
      'backup_duration_seconds_bucket{le="60"} 1',
      'backup_duration_seconds_bucket{le="+Inf"} 2',
      "backup_duration_seconds_sum 190",
      "backup_duration_seconds_count 2",
      "",
    ].join("\n");
    // curl's default Content-Type for --data-binary; the body decides the dialect.
    const response = await h.push("/metrics/job/backup/instance/nas", { method: "PUT", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(response.status).toBe(200);
    const [last] = await h.series("backup_last_success_timestamp_seconds");
    expect(last!.metric).toEqual({ __name__: "backup_last_success_timestamp_seconds", job: "backup", instance: "nas", source: "local" });
    expect(valuesBy(await h.series('backup_duration_seconds_bucket{job="backup"}'), "le")).toEqual({ "60": "1", "+Inf": "2" });
    expect(Number((await h.series('push_time_seconds{job="backup",instance="nas"}'))[0]!.value[1])).toBeGreaterThan(1.7e9);
  });

  it("POST with OpenMetrics and a base64 grouping value", async () => {
    const path = `/metrics/job/cleaner/path@base64/${Buffer.from("/var/tmp").toString("base64url")}`;
    const response = await h.push(path, {
      headers: { "content-type": "application/openmetrics-text; version=1.0.0; charset=utf-8" },
      body: `# TYPE files_removed counter\nfiles_removed_total 42 ${(Date.now() / 1000).toFixed(3)}\n# EOF\n`,
    });
    expect(response.status).toBe(200);
    expect((await h.series('files_removed_total{path="/var/tmp"}'))[0]!.metric.job).toBe("cleaner");
  });

  it("bad input is a 400 naming the line, and nothing reaches AMP", async () => {
    const before = h.writesAccepted();
    const bad = await h.push("/metrics/job/x", { method: "PUT", body: "ok 1\nbroken{a=\"1\" 2\n" });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^line 2: expected '}' or ','/);
    const badPath = await h.push("/metrics/job/x/odd", { method: "PUT", body: "ok 1\n" });
    expect(badPath.status).toBe(400);
    expect(badPath.text).toMatch(/label "odd" has no value/);
    expect(h.writesAccepted()).toBe(before);
  });
});
