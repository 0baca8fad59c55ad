/**
 * OTLP metric and attribute names → Prometheus names, as the OpenTelemetry Collector's `prometheusremotewrite`
 * exporter makes them with its defaults (`add_metric_suffixes: true`, legacy — not UTF-8 — names). The rules
 * are those of prometheus/otlptranslator (`MetricNamer`, `LabelNamer`, `UnitNamer`), which the exporter uses,
 * and of the OTel specification's "Prometheus and OpenMetrics compatibility":
 *
 * - the name is split into tokens of `[a-zA-Z0-9:]` (every other character separates, so `.`, `-` and runs of
 *   `_` become one `_`);
 * - the unit becomes a suffix: main unit from a table (`s` → `seconds`, `By` → `bytes`, …; unknown units are
 *   cleaned and used as written), a `/x` part becomes `per_<x>` (`/s` → `per_second`); annotations in braces
 *   (`{request}`) and `1` add nothing; a suffix already among the tokens is not repeated;
 * - monotonic sums get `_total`, gauges with unit `1` get `_ratio` (existing tokens of that name move last);
 * - a name starting with a digit gets a `_` prefix;
 * - attribute keys: every character outside `[a-zA-Z0-9_]` becomes `_`; a leading digit gets `key_`, a
 *   leading single `_` gets `key` (`__` is kept).
 */

export type OtlpMetricKind = "gauge" | "monotonic-counter" | "non-monotonic-counter" | "histogram" | "exponential-histogram" | "summary";

const UNITS: Record<string, string> = {
  // Time
  d: "days", h: "hours", min: "minutes", s: "seconds", ms: "milliseconds", us: "microseconds", ns: "nanoseconds",
  // Bytes
  By: "bytes", KiBy: "kibibytes", MiBy: "mebibytes", GiBy: "gibibytes", TiBy: "tibibytes",
  KBy: "kilobytes", MBy: "megabytes", GBy: "gigabytes", TBy: "terabytes",
  // SI
  m: "meters", V: "volts", A: "amperes", J: "joules", W: "watts", g: "grams",
  // Misc
  Cel: "celsius", Hz: "hertz", "1": "", "%": "percent",
};

const PER_UNITS: Record<string, string> = {
  s: "second", m: "minute", h: "hour", d: "day", w: "week", mo: "month", y: "year",
};

const NAME_TOKEN_SEPARATOR = /[^a-zA-Z0-9:]+/;

/** Replaces characters outside `[a-zA-Z0-9:]` with `_`, collapses `_` runs, drops a leading `_`. */
function cleanUpUnit(unit: string): string {
  return unit.replace(/[^a-zA-Z0-9:]/g, "_").replace(/__+/g, "_").replace(/^_/, "");
}

/** [main unit suffix, per-unit suffix] before cleaning, e.g. `By/s` → [`bytes`, `per_second`]. */
function unitSuffixes(unit: string): [string, string] {
  const [mainPart = "", perPart] = unit.split(/\/(.*)/s, 2);
  const main = mainPart.trim();
  const mainSuffix = main !== "" && !/[{}]/.test(main) ? (UNITS[main] ?? main) : "";
  let perSuffix = "";
  if (perPart !== undefined && perPart !== "") {
    const per = perPart.trim();
    if (per !== "" && !/[{}]/.test(per)) perSuffix = PER_UNITS[per] ?? per;
    if (perSuffix !== "") perSuffix = `per_${perSuffix}`;
  }
  return [mainSuffix, perSuffix];
}

const moveLast = (tokens: string[], token: string) => [...tokens.filter((t) => t !== token), token];

/** The Prometheus metric name for an OTLP metric; "" when nothing usable remains. */
export function prometheusMetricName(name: string, unit: string, kind: OtlpMetricKind): string {
  let tokens = name.split(NAME_TOKEN_SEPARATOR).filter((token) => token !== "");
  const [rawMain, rawPer] = unitSuffixes(unit);
  let main = cleanUpUnit(rawMain);
  let per = cleanUpUnit(rawPer);
  if (tokens.includes(main)) main = "";
  if (per === "per_") per = "";
  else {
    per = per.replace(/_$/, "");
    if (tokens.includes(per)) per = "";
  }
  if (per !== "") main = main.replace(/_$/, "");
  if (main !== "") tokens.push(main);
  if (per !== "") tokens.push(per);
  if (kind === "monotonic-counter") tokens = moveLast(tokens, "total");
  if (unit === "1" && kind === "gauge") tokens = moveLast(tokens, "ratio");
  const joined = tokens.join("_");
  if (joined === "" || /^_*$/.test(joined)) return "";
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The Prometheus unit string the metadata carries (UnitNamer): `By/s` → `bytes_per_second`. */
export function prometheusUnit(unit: string): string {
  const [main, per] = unitSuffixes(unit).map(cleanUpUnit) as [string, string];
  const joined = main !== "" && per !== "" ? `${main}_${per}` : main || per;
  return joined.replace(/^_/, "").replace(/_$/, "");
}

/** The Prometheus label name for an OTLP attribute key. */
export function prometheusLabelName(key: string): string {
  if (key === "") return key;
  const label = key.replace(/[^a-zA-Z0-9_]/g, "_");
  if (/^[0-9]/.test(label)) return `key_${label}`;
  if (label.startsWith("_") && !label.startsWith("__")) return `key${label}`;
  return label;
}
