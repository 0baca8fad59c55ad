/**
 * The committed page (dist/chart-page.ts) is what the query Lambda serves; it must be what the sources build to.
 * If this fails: `npm run build -w @ampgate/chart-page` and commit dist/.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildChartPage, OUTPUT, renderModule } from "../src/build";

describe("chart page build", () => {
  it("dist/chart-page.ts is up to date with web/", async () => {
    const page = await buildChartPage();
    expect(readFileSync(OUTPUT, "utf8") === renderModule(page)).toBe(true);
  });

  it("inlines uPlot and the app, references nothing outside the document, and stays small", async () => {
    const { html, contentSecurityPolicy } = await buildChartPage();
    expect(html).toContain(".uplot"); // uPlot's stylesheet
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+rel="stylesheet"/);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(contentSecurityPolicy).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
  });
});
