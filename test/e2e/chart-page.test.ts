/**
 * The built-in chart page in Debian's Chromium: served by the query function at `GET /` of the local stack,
 * data pushed through the stack's own ingest route. A wrong token shows a clear error; the right one lists the
 * devices and draws power (checked in the canvas pixels), climate and daily energy; a screenshot is kept in
 * test/artifacts/ for a human to look at.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack";
import { pushToStack } from "../integration/query-harness";
import { startTestStack, tempDir } from "../support/local-stack";
import type { SeriesSpec } from "../support/remote-write";
import { waitFor } from "../support/wait-for";

// Browser-side callbacks below run in the page; the root tsconfig has no DOM types.
declare const document: any;
declare const localStorage: any;
type HTMLCanvasElement = any;

const ARTIFACTS = join(import.meta.dirname, "../artifacts");
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const minutes = (count: number, value: (i: number) => number): Array<[number, number]> =>
  Array.from({ length: count }, (_, i) => [NOW - (count - 1 - i) * 60_000, value(i)]);

const PLUGS = [
  { device_id: "6055F92D0A11", device_name: "Washing machine", device_type: "Plug Mini (EU)" },
  { device_id: "6055F92D0B22", device_name: "Home office", device_type: "Plug Mini (US)" },
];
const METER = { device_id: "C4A1B2C3D4E5", device_name: "Living room", device_type: "Meter" };
const SERIES: SeriesSpec[] = [
  ...[...PLUGS, METER].map((d) => ({ labels: { __name__: "switchbot_device_info", cloud_enabled: "true", ...d }, samples: minutes(50, () => 1) })),
  { labels: { __name__: "switchbot_power_watts", ...PLUGS[0]! }, samples: minutes(50, (i) => (i % 12 < 6 ? 1800 + 40 * (i % 6) : 8)) },
  { labels: { __name__: "switchbot_power_watts", ...PLUGS[1]! }, samples: minutes(50, (i) => 90 + 25 * Math.sin(i / 4)) },
  { labels: { __name__: "switchbot_energy_watt_hours_total", ...PLUGS[0]! }, samples: minutes(50, (i) => 1000 + i * 15) },
  { labels: { __name__: "switchbot_energy_watt_hours_total", ...PLUGS[1]! }, samples: minutes(50, (i) => 200 + i * 1.5) },
  { labels: { __name__: "switchbot_temperature_celsius", ...METER }, samples: minutes(50, (i) => 21 + Math.sin(i / 8)) },
  { labels: { __name__: "switchbot_humidity_percent", ...METER }, samples: minutes(50, (i) => 47 + (i % 7)) },
  { labels: { __name__: "switchbot_battery_percent", ...METER }, samples: minutes(50, () => 100) },
];

let stack: LocalStack;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  stack = await startTestStack("chart-page", { env: {} });
  expect(await pushToStack(stack, SERIES)).toBeLessThan(300);
  await waitFor("devices in the store", async () => {
    const answer = await fetch(`${stack.url}/json/devices`, { headers: { authorization: `Bearer ${stack.readToken}` } });
    return ((await answer.json()) as { rows: unknown[] }).rows.length === 3 ? true : undefined;
  });
  context = await chromium.launchPersistentContext(tempDir("chromium"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: 1280, height: 1400 },
    colorScheme: "light",
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await context?.close();
  await stack?.stop();
});

/** Pixels of a chart's canvas close to a series colour (uPlot draws axes and grid on the same canvas). */
async function pixelsOfColour(selector: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(({ selector, rgb }) => {
    const canvas: HTMLCanvasElement = document.querySelector(`${selector} canvas`);
    if (!canvas) return -1;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - rgb[0]) < 30 && Math.abs(data[i + 1]! - rgb[1]) < 30 && Math.abs(data[i + 2]! - rgb[2]) < 30) count++;
    }
    return count;
  }, { selector, rgb });
}

describe("chart page", () => {
  it("is served at / with a CSP that allows exactly its own script", async () => {
    const response = await page.goto(`${stack.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    await expect(page.title()).resolves.toMatch(/ampgate/);
  });

  it("shows a clear error for a wrong token", async () => {
    await page.fill("#token", "ag_definitely_not_a_read_token");
    await page.click("button[type=submit]");
    await page.waitForSelector("#error:not([hidden])");
    expect(await page.textContent("#error")).toMatch(/read token was refused/);
    expect(await page.isHidden("#dashboard")).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("ampgate.readToken"))).toBeNull();
  });

  it("lists the devices and draws power, climate and daily energy for the right token", async () => {
    await page.fill("#token", stack.readToken);
    await page.click("button[type=submit]");
    await page.waitForSelector("#dashboard:not([hidden])");
    await page.waitForFunction(() => document.querySelectorAll("#devices tbody tr").length === 3);
    const names = await page.$$eval("#devices tbody th", (cells) => cells.map((c) => c.textContent));
    expect(names).toEqual(["Home office", "Living room", "Washing machine"]);
    expect(await page.textContent("#devices tbody")).toMatch(/100 %/);

    await page.click("#ranges button:has-text('6 h')");
    await page.waitForSelector("#ranges button[aria-pressed=true]:has-text('6 h')");
    await page.waitForFunction(() => /Updated/.test(document.querySelector("#status")?.textContent ?? ""));
    await page.waitForSelector("#power-chart canvas");
    await page.waitForSelector("#temperature-chart canvas");
    await page.waitForSelector("#energy-chart canvas");
    expect(await pixelsOfColour("#power-chart", [0x00, 0x72, 0xb2])).toBeGreaterThan(100); // first series, Okabe-Ito blue
    expect(await pixelsOfColour("#power-chart", [0xe6, 0x9f, 0x00])).toBeGreaterThan(100); // second series
    expect(await pixelsOfColour("#temperature-chart", [0x00, 0x72, 0xb2])).toBeGreaterThan(50);
    expect(await pixelsOfColour("#energy-chart", [0x00, 0x72, 0xb2])).toBeGreaterThan(50);
    expect(await page.$$eval("#energy tbody tr", (rows) => rows.length)).toBe(2);
    expect(await page.evaluate(() => localStorage.getItem("ampgate.readToken"))).toBe(stack.readToken);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "chart-page.png"), fullPage: true });
    expect(consoleErrors.filter((e) => !/401/.test(e)).join("\n")).toBe("");
  });

  it("remembers the token in this browser only, and forgets it on request", async () => {
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("#devices tbody tr").length === 3);
    await page.click("#forget");
    expect(await page.isHidden("#dashboard")).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("ampgate.readToken"))).toBeNull();
  });

  it("refreshes live: a device that starts reporting appears after the next minute tick", async () => {
    const live = await context.newPage();
    await live.clock.install();
    await live.goto(`${stack.url}/`);
    await live.fill("#token", stack.readToken);
    await live.click("button[type=submit]");
    await live.waitForFunction(() => document.querySelectorAll("#devices tbody tr").length === 3);
    const garage = { device_id: "F0F1F2F3F4F5", device_name: "Garage", device_type: "Outdoor Meter" };
    expect(await pushToStack(stack, [
      { labels: { __name__: "switchbot_device_info", cloud_enabled: "true", ...garage }, samples: [[Date.now(), 1]] },
      { labels: { __name__: "switchbot_temperature_celsius", ...garage }, samples: [[Date.now(), 4.5]] },
    ])).toBeLessThan(300);
    await live.clock.fastForward(61_000);
    await live.waitForFunction(() => document.querySelectorAll("#devices tbody tr").length === 4);
    expect(await live.textContent("#devices tbody")).toMatch(/Garage.*4\.5 °C/s);
    await live.close();
  });
});
