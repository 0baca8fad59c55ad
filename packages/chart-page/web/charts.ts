/** uPlot charts sized to their container, redrawn in place on refresh. */
import uPlot from "uplot";
import type { Matrix } from "./api";

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const charts = new Map<HTMLElement, uPlot>();

function width(element: HTMLElement): number {
  return Math.max(280, element.clientWidth || 600);
}

const axisColor = () => getComputedStyle(document.body).color;

function mount(element: HTMLElement, options: uPlot.Options, data: uPlot.AlignedData): void {
  charts.get(element)?.destroy();
  element.replaceChildren();
  charts.set(element, new uPlot(options, data, element));
}

function empty(element: HTMLElement, text: string): void {
  charts.get(element)?.destroy();
  charts.delete(element);
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = text;
  element.replaceChildren(p);
}

/** Prometheus matrix → uPlot's aligned columns on the query's own step grid (gaps stay null). */
export function alignMatrix(result: Matrix[], startS: number, endS: number, stepS: number): uPlot.AlignedData {
  const xs: number[] = [];
  for (let t = startS; t <= endS + 1e-9; t += stepS) xs.push(Math.round(t * 1000) / 1000);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns = result.map((series) => {
    const ys: Array<number | null> = new Array(xs.length).fill(null);
    for (const [t, v] of series.values) {
      const i = index.get(Math.round(t * 1000) / 1000);
      const value = Number(v);
      if (i !== undefined && Number.isFinite(value)) ys[i] = value;
    }
    return ys;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** Tick labels without units (the card's heading names the unit), so long numbers are never clipped. */
const numberTicks = (_u: uPlot, ticks: number[]) => ticks.map((t) => (Math.abs(t) >= 10_000 ? `${Math.round(t / 1000)}k` : String(Number(t.toPrecision(4)))));

export function lineChart(element: HTMLElement, result: Matrix[], range: { startS: number; endS: number; stepS: number }): void {
  if (result.length === 0) return empty(element, "No data in this range.");
  const names = result.map((s) => s.metric.device_name ?? s.metric.device_id ?? "series");
  mount(element, {
    width: width(element),
    height: 260,
    scales: { x: { time: true, range: [range.startS, range.endS] } },
    axes: [{ stroke: axisColor }, { stroke: axisColor, values: numberTicks }],
    series: [{}, ...names.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false }))],
  }, alignMatrix(result, range.startS, range.endS, range.stepS));
}

export function energyChart(element: HTMLElement, days: Array<{ startS: number; kwh: number; cost: number }>, range: { startS: number; endS: number },
  tariff: { configured: boolean; currency: string }): void {
  if (days.length === 0) return empty(element, "No energy counters in this range.");
  const bars = uPlot.paths.bars?.({ size: [0.6, 64], align: 1 });
  const first = Math.min(range.startS, days[0]!.startS);
  const last = Math.max(range.endS, days[days.length - 1]!.startS + 86_400);
  const cost = tariff.configured
    ? [{ label: `Cost (${tariff.currency})`, scale: "cost", stroke: "#E69F00", width: 2, points: { show: true, size: 7 } }]
    : [];
  mount(element, {
    width: width(element),
    height: 260,
    scales: {
      x: { time: true, range: [first, last] },
      kwh: { range: (_u, _min, max) => [0, Math.max(max, 0.01) * 1.15] },
      cost: { range: (_u, _min, max) => [0, Math.max(max, 0.01) * 1.15] },
    },
    axes: [
      { stroke: axisColor },
      { scale: "kwh", stroke: axisColor, values: numberTicks, label: "kWh" },
      ...(tariff.configured ? [{ scale: "cost", side: 1, stroke: axisColor, grid: { show: false }, values: numberTicks, label: tariff.currency }] : []),
    ],
    series: [
      {},
      { label: "Energy (kWh)", scale: "kwh", fill: "#0072B2aa", stroke: "#0072B2", ...(bars ? { paths: bars } : {}), points: { show: false } },
      ...cost,
    ],
  }, [days.map((d) => d.startS), days.map((d) => d.kwh), ...(tariff.configured ? [days.map((d) => d.cost)] : [])]);
}

/** Keep charts as wide as their cards. */
export function watchResize(): void {
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const chart = charts.get(entry.target as HTMLElement);
      if (chart) chart.setSize({ width: width(entry.target as HTMLElement), height: 260 });
    }
  });
  for (const id of ["power-chart", "temperature-chart", "humidity-chart", "energy-chart"]) {
    const element = document.getElementById(id);
    if (element) observer.observe(element);
  }
}
