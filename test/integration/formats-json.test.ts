// The JSON push through the local stack into the Prometheus stand-in — the README's curl one-liner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFormatsHarness, type FormatsHarness } from "./formats-harness";

let h: FormatsHarness;
beforeAll(async () => {
  h = await startFormatsHarness("json");
});
afterAll(() => h?.stop());

describe("JSON push → AMP", () => {
  it("the README one-liner's body lands", async () => {
    const response = await h.push("/api/v1/push/json", {
      headers: { "content-type": "application/json" },
      body: '[{"metric":"room_temperature_celsius","labels":{"room":"living"},"value":21.5},{"metric":"pump_on","value":true}]',
    });
    expect(response.status).toBe(204);
    expect((await h.series('room_temperature_celsius{room="living"}'))[0]!.metric).toEqual({ __name__: "room_temperature_celsius", room: "living", source: "local" });
    expect((await h.series("pump_on"))[0]!.value[1]).toBe("1");
  });

  it("bad input is a 400 naming the index and field, and nothing reaches AMP", async () => {
    const before = h.writesAccepted();
    const response = await h.push("/api/v1/push/json", { body: '[{"metric":"ok","value":1},{"metric":"x","value":"hot"}]' });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/^\[1\]\.value: expected a number/);
    expect(h.writesAccepted()).toBe(before);
  });
});
