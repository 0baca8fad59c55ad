/**
 * The chart page: paste a read token (kept in this browser's localStorage only), then see the devices, power,
 * temperature/humidity and daily energy and cost over a chosen range, refreshed every minute.
 */
import { type DeviceRow, type EnergyAnswer, QueryApi, TokenRefused, type VectorSample } from "./api";
import { energyChart, lineChart, watchResize } from "./charts";

const STORAGE_KEY = "ampgate.readToken";
const RANGES = [
  { label: "6 h", seconds: 6 * 3600 },
  { label: "24 h", seconds: 24 * 3600 },
  { label: "7 d", seconds: 7 * 86400 },
  { label: "30 d", seconds: 30 * 86400 },
];
const LATEST = "switchbot_(power_watts|temperature_celsius|humidity_percent|co2_ppm|battery_percent)";
/**
 * Charts draw the polled series: webhook deliveries of the same readings are separate series
 * (`source="webhook"`, docs/switchbot.md) and would draw every meter twice; the latest-values table takes both.
 */
const POLLED = '{source!="webhook"}';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let api: QueryApi | undefined;
let rangeSeconds = RANGES[1]!.seconds;
let timer: number | undefined;

function setError(message: string | undefined): void {
  const error = $("error");
  error.hidden = !message;
  error.textContent = message ?? "";
}

const setStatus = (text: string) => { $("status").textContent = text; };

function renderRanges(): void {
  $("ranges").replaceChildren(...RANGES.map((range) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = range.label;
    button.setAttribute("aria-pressed", String(range.seconds === rangeSeconds));
    button.addEventListener("click", () => {
      rangeSeconds = range.seconds;
      renderRanges();
      void refresh();
    });
    return button;
  }));
}

const format = (value: number | undefined, unit: string, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? "—" : `${value.toFixed(digits)} ${unit}`;

function renderDevices(devices: DeviceRow[], latest: VectorSample[]): void {
  const byDevice = new Map<string, Record<string, number>>();
  for (const sample of latest) {
    const id = sample.metric.device_id ?? "";
    const values = byDevice.get(id) ?? {};
    values[sample.metric.__name__ ?? ""] = Number(sample.value[1]);
    byDevice.set(id, values);
  }
  const body = $("devices").querySelector("tbody")!;
  if (devices.length === 0) {
    const row = body.insertRow();
    row.insertCell().textContent = "No devices reported yet — is the poller running?";
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(...devices.map((device) => {
    const v = byDevice.get(device.device_id) ?? {};
    const row = document.createElement("tr");
    const cells = [
      device.device_name, device.device_type,
      format(v.switchbot_power_watts, "W"), format(v.switchbot_temperature_celsius, "°C"),
      format(v.switchbot_humidity_percent, "%", 0), format(v.switchbot_co2_ppm, "ppm", 0), format(v.switchbot_battery_percent, "%", 0),
    ];
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.setAttribute("scope", "row");
      if (i >= 2) cell.className = "num";
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  }));
}

async function refresh(): Promise<void> {
  if (!api) return;
  const endS = Math.floor(Date.now() / 1000);
  const startS = endS - rangeSeconds;
  const stepS = Math.max(60, Math.ceil(rangeSeconds / 720 / 60) * 60);
  const range = { startS: Math.floor(startS / stepS) * stepS, endS, stepS };
  setStatus("Loading…");
  try {
    const [devices, latest, power, temperature, humidity, energy] = await Promise.all([
      api.devices(),
      api.instantQuery(`{__name__=~"${LATEST}"}`),
      api.rangeQuery(`switchbot_power_watts${POLLED}`, range.startS, range.endS, stepS),
      api.rangeQuery(`switchbot_temperature_celsius${POLLED}`, range.startS, range.endS, stepS),
      api.rangeQuery(`switchbot_humidity_percent${POLLED}`, range.startS, range.endS, stepS),
      api.energy(startS * 1000, endS * 1000),
    ]);
    setError(undefined);
    $("dashboard").hidden = false;
    $("forget").hidden = false;
    renderDevices(devices.rows, latest);
    lineChart($("power-chart"), power, range);
    lineChart($("temperature-chart"), temperature, range);
    lineChart($("humidity-chart"), humidity, range);
    renderEnergy(energy, range);
    setStatus(`Updated ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    if (error instanceof TokenRefused) {
      localStorage.removeItem(STORAGE_KEY);
      api = undefined;
      $("dashboard").hidden = true;
      setError(`That read token was refused: ${error.message}. Check you pasted a read token, not an ingest token.`);
      setStatus("");
      $("token").focus();
      return;
    }
    setError(`Could not load data: ${(error as Error).message}`);
    setStatus("");
  }
}

function renderEnergy(energy: EnergyAnswer, range: { startS: number; endS: number }): void {
  const perDay = new Map<number, { startS: number; kwh: number; cost: number }>();
  for (const row of energy.rows) {
    const day = perDay.get(row.start) ?? { startS: row.start / 1000, kwh: 0, cost: 0 };
    day.kwh += row.kwh;
    day.cost += row.cost;
    perDay.set(row.start, day);
  }
  const currency = energy.tariff.currency;
  energyChart($("energy-chart"), [...perDay.values()].sort((a, b) => a.startS - b.startS), range, energy.tariff);
  $("tariff").textContent = energy.tariff.configured
    ? `Tariff: ${energy.tariff.bands.map((b) => `${b.name} ${b.pricePerKwh} ${currency}/kWh`).join(", ")}; days in ${energy.tariff.timezone}.`
    : "No tariff configured (set TARIFF on the query function to see costs); days in UTC.";
  const body = $("energy").querySelector("tbody")!;
  body.replaceChildren(...energy.totals.map((total) => {
    const row = document.createElement("tr");
    const cells = [total.device_name, `${total.kwh.toFixed(3)}`, energy.tariff.configured ? `${total.cost.toFixed(2)} ${currency}` : "—"];
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i > 0) cell.className = "num";
      else cell.setAttribute("scope", "row");
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  }));
}

function connect(token: string): void {
  api = new QueryApi(token);
  localStorage.setItem(STORAGE_KEY, token);
  void refresh();
  window.clearInterval(timer);
  timer = window.setInterval(() => {
    if (($("live") as HTMLInputElement).checked && document.visibilityState === "visible") void refresh();
  }, 60_000);
}

function start(): void {
  renderRanges();
  watchResize();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("token") as HTMLInputElement;
    const token = input.value.trim();
    if (!token) return;
    input.value = "";
    setError(undefined);
    connect(token);
  });
  $("forget").addEventListener("click", () => {
    localStorage.removeItem(STORAGE_KEY);
    api = undefined;
    window.clearInterval(timer);
    $("dashboard").hidden = true;
    $("forget").hidden = true;
    setStatus("Token forgotten.");
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && ($("live") as HTMLInputElement).checked) void refresh();
  });
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved) connect(saved);
}

start();
