import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { remoteWriteLimits } from "../../src/remote-write/limits";
import { stampLabels } from "../../src/remote-write/stamp";
import { validateWriteRequest } from "../../src/remote-write/validate";
import { catchRequestError, labels, request, series } from "./support";

describe("stampLabels", () => {
  it("sets the token's labels on every series, inserted at their sorted place", () => {
    const r = request(series({ __name__: "up", job: "node" }), series({ __name__: "temp", zone: "eu" }));
    expect(stampLabels(r, { source: "pi-livingroom", env: "home" })).toBe(r);
    expect(r.timeseries[0]!.labels).toEqual(labels({ __name__: "up", env: "home", job: "node", source: "pi-livingroom" }));
    expect(r.timeseries[1]!.labels).toEqual(labels({ __name__: "temp", env: "home", source: "pi-livingroom", zone: "eu" }));
  });

  it("overrides whatever the sender put in a stamped label, so nobody can write under another token's name", () => {
    const r = request(series({ __name__: "up", source: "pi-kitchen" }), series({ __name__: "up", source: "" }));
    stampLabels(r, { source: "pi-livingroom" });
    expect(r.timeseries.map((s) => s.labels)).toEqual([
      labels({ __name__: "up", source: "pi-livingroom" }),
      labels({ __name__: "up", source: "pi-livingroom" }),
    ]);
  });

  it("leaves a request alone when the token has no labels", () => {
    const r = request(series({ __name__: "up" }));
    stampLabels(r, {});
    expect(r.timeseries[0]!.labels).toEqual(labels({ __name__: "up" }));
  });

  it("stamps unsorted input too; validation then sorts it", () => {
    const r = request(series({ zone: "eu", __name__: "up" }));
    validateWriteRequest(stampLabels(r, { source: "pi" }));
    expect(r.timeseries[0]!.labels.map((l) => l.name)).toEqual(["__name__", "source", "zone"]);
  });

  it("counts the stamped labels against the per-series limits (stamp runs before validation)", () => {
    const r = request(series({ __name__: "up", a: "1", b: "2" }));
    const e = catchRequestError(() => validateWriteRequest(stampLabels(r, { source: "pi" }), remoteWriteLimits({ maxLabelsPerSeries: 3 })));
    expect([e.status, e.reason]).toEqual([400, "too_many_labels"]);
    expect(e.message).toBe('timeseries[0] up{a="1",b="2",source="pi"}: 4 labels; the limit is 3 per series');
  });

  it("refuses token labels that would be invalid, reserved or empty (a configuration error, not the sender's)", () => {
    const fixedSets: Record<string, string>[] = [{ "bad-name": "x" }, { __name__: "other_metric" }, { source: "" }];
    for (const fixed of fixedSets) {
      let thrown: unknown;
      try {
        stampLabels(request(series({ __name__: "up" })), fixed);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(thrown).not.toBeInstanceOf(RequestError);
    }
  });
});
