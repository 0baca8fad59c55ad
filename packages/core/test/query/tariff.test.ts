import { describe, expect, it } from "vitest";
import { bandAt, parseTariff, TariffConfigError, UNCONFIGURED_TARIFF } from "../../src/query/energy/tariff";

describe("parseTariff", () => {
  it("reads a flat price as one all-day band", () => {
    const tariff = parseTariff('{"currency":"EUR","timezone":"Europe/Berlin","pricePerKwh":0.32}');
    expect(tariff).toMatchObject({ currency: "EUR", timezone: "Europe/Berlin", bands: [{ name: "flat", pricePerKwh: 0.32 }], configured: true, hourAligned: true });
    expect(bandAt(tariff, 3, 23 * 60 + 59)).toBe(0);
  });

  it("reads time-of-day bands that wrap past midnight and bands limited to days", () => {
    const tariff = parseTariff(JSON.stringify({ currency: "GBP", timezone: "Europe/London", bands: [
      { name: "night", from: "00:30", to: "07:30", pricePerKwh: 0.09 },
      { name: "peak", from: "16:00", to: "19:00", days: ["mon", "tue", "wed", "thu", "fri"], pricePerKwh: 0.42 },
      { name: "day", from: "07:30", to: "16:00", pricePerKwh: 0.27 },
      { name: "day", from: "19:00", to: "00:30", pricePerKwh: 0.27 },
      { name: "day", from: "16:00", to: "19:00", days: ["sat", "sun"], pricePerKwh: 0.27 },
    ] }));
    expect(tariff.bands.map((b) => b.name)).toEqual(["night", "peak", "day"]);
    expect(tariff.hourAligned).toBe(false);
    const name = (weekday: number, hhmm: string) => tariff.bands[bandAt(tariff, weekday, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)))]!.name;
    expect([name(1, "17:00"), name(6, "17:00"), name(2, "00:15"), name(2, "00:30"), name(2, "07:29"), name(2, "07:30")])
      .toEqual(["peak", "day", "day", "night", "night", "day"]);
  });

  it("refuses gaps, overlaps, odd times, unknown zones and ambiguous prices with a message naming the problem", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ bands: [{ name: "day", from: "06:00", to: "22:00", pricePerKwh: 0.3 }] }, /leave sun 00:00 uncovered/],
      [{ bands: [{ name: "a", from: "00:00", to: "24:00", pricePerKwh: 1 }, { name: "b", from: "12:00", to: "13:00", pricePerKwh: 2 }] }, /overlap on sun at 12:00 \("a" and "b"\)/],
      [{ bands: [{ name: "a", from: "00:10", to: "00:10", pricePerKwh: 1 }] }, /quarter hour/],
      [{ timezone: "Mars/Olympus", pricePerKwh: 1 }, /not an IANA time zone/],
      [{ pricePerKwh: 1, bands: [{ name: "a", from: "00:00", to: "24:00", pricePerKwh: 1 }] }, /either pricePerKwh .* or bands/],
      [{ bands: [{ name: "a", from: "00:00", to: "12:00", pricePerKwh: 1 }, { name: "a", from: "12:00", to: "24:00", pricePerKwh: 2 }] }, /two different prices/],
      [{ bands: [{ name: "Day Rate", from: "00:00", to: "24:00", pricePerKwh: 1 }] }, /band names/],
      [{ pricePerKwh: -1 }, /pricePerKwh/],
    ];
    for (const [config, message] of cases) expect(() => parseTariff(JSON.stringify(config))).toThrow(message);
    expect(() => parseTariff("{")).toThrow(TariffConfigError);
  });

  it("is unconfigured (price 0, UTC) when TARIFF is unset", () => {
    expect(parseTariff(undefined)).toBe(UNCONFIGURED_TARIFF);
    expect(parseTariff("  ")).toBe(UNCONFIGURED_TARIFF);
  });
});
