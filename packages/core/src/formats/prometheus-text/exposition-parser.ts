/**
 * Parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text — what `curl` scripts,
 * client libraries' `generate_latest()` and Pushgateway clients send.
 *
 * Written here because no maintained npm parser handles both dialects: `parse-prometheus-text-format` (last
 * source change 2019) and `prom2javascript` know neither OpenMetrics (`# EOF`, second-resolution timestamps,
 * exemplars, `# UNIT`) nor timestamps as numbers, and return values as strings.
 *
 * Grammar (Prometheus docs "Exposition formats"; OpenMetrics 1.0 spec; Prometheus' textparse lexers):
 *
 *   # HELP <name> <text>          # TYPE <name> <type>          # UNIT <name> <unit> (OpenMetrics)
 *   # any other comment (text format only)                      # EOF (OpenMetrics: last line, required)
 *   <name>[{<label>="<value>"[,…][,]}] <value> [<timestamp>] [# {<label>="<value>",…} <value> [<timestamp>]]
 *
 * Differences between the dialects that change *data*: text-format timestamps are integer milliseconds,
 * OpenMetrics timestamps are (fractional) seconds; exemplars exist only in OpenMetrics. Label values and HELP
 * text unescape `\\`, `\"` (label values only) and `\n`; another backslash sequence is kept as written.
 *
 * A push is all-or-nothing, as at the Pushgateway: the first error rejects the body with a 400 naming the line.
 */
import { badRequest } from "../../errors";
import { isValidMetricName, LABEL_NAME_RULE, METRIC_NAME_RULE } from "../../remote-write/names";
import type { Label } from "../../remote-write/types";

export type ExpositionDialect = "text" | "openmetrics";

export type FamilyType =
  | "counter" | "gauge" | "histogram" | "gaugehistogram" | "summary" | "untyped" | "unknown" | "info" | "stateset";

const TEXT_TYPES: readonly FamilyType[] = ["counter", "gauge", "histogram", "summary", "untyped"];
const OPENMETRICS_TYPES: readonly FamilyType[] = ["counter", "gauge", "histogram", "gaugehistogram", "summary", "unknown", "info", "stateset"];

export interface MetricFamily {
  name: string;
  type?: FamilyType;
  help?: string;
  unit?: string;
}

export interface ExpositionExemplar {
  labels: Label[];
  value: number;
  timestampMs?: number;
}

export interface ExpositionSample {
  line: number;
  name: string;
  labels: Label[];
  value: number;
  timestampMs?: number;
  exemplar?: ExpositionExemplar;
}

export interface ParsedExposition {
  samples: ExpositionSample[];
  /** Families that had a TYPE, HELP or UNIT line, by name. */
  families: Map<string, MetricFamily>;
}

/** A name at the start of the rest of a line (the grammar's tokens: what follows decides whether it is complete). */
const METRIC_NAME = new RegExp(`^${METRIC_NAME_RULE}`);
const LABEL_NAME = new RegExp(`^${LABEL_NAME_RULE}`);
const QUOTED_NAMES_UNSUPPORTED = `quoted (UTF-8) metric and label names are not supported: AMP accepts only ${METRIC_NAME_RULE} names`;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_VALUES: Record<string, number> = {
  nan: Number.NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity,
  infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity,
};

/** Suffixes under which a family's samples appear, per type (OpenMetrics 1.0 "Metric types"). */
const SAMPLE_SUFFIXES: Partial<Record<FamilyType, readonly string[]>> = {
  counter: ["_total", "_created"],
  histogram: ["_bucket", "_sum", "_count", "_created"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count", "_created"],
  info: ["_info"],
};

class ParseError extends Error {}

function parseFloatValue(raw: string, what: string): number {
  if (DECIMAL.test(raw)) return Number(raw);
  const special = SPECIAL_VALUES[raw.toLowerCase()];
  if (special !== undefined) return special;
  throw new ParseError(`invalid ${what} ${JSON.stringify(raw)}`);
}

/** Unescapes `\\`, `\n` and (in label values) `\"`; other backslash pairs stay as written. */
function unescape(raw: string, quotes: boolean): string {
  return raw.replace(/\\(.)/gs, (pair, char: string) =>
    char === "\\" ? "\\" : char === "n" ? "\n" : quotes && char === '"' ? '"' : pair);
}

/** A cursor over one sample line. */
class SampleLine {
  pos = 0;
  constructor(readonly text: string) {}

  skipBlanks(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }
  get rest(): string {
    return this.text.slice(this.pos);
  }
  match(pattern: RegExp, what: string): string {
    const found = pattern.exec(this.rest);
    if (!found) throw new ParseError(`expected ${what} at ${JSON.stringify(this.rest.slice(0, 20))}`);
    this.pos += found[0].length;
    return found[0];
  }
  expect(char: string, context: string): void {
    if (this.text[this.pos] !== char) {
      const found = this.pos < this.text.length ? JSON.stringify(this.text[this.pos]) : "end of line";
      throw new ParseError(`expected '${char}' ${context}, found ${found}`);
    }
    this.pos++;
  }

  /** `{name="value",…}`; the opening brace is at `pos`. */
  readLabels(): Label[] {
    this.expect("{", "to open labels");
    const labels: Label[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.text[this.pos] === "}") break;
      if (this.text[this.pos] === '"') {
        throw new ParseError(QUOTED_NAMES_UNSUPPORTED);
      }
      const name = this.match(LABEL_NAME, "a label name");
      this.skipBlanks();
      this.expect("=", `after label name ${JSON.stringify(name)}`);
      this.skipBlanks();
      this.expect('"', `to open the value of label ${JSON.stringify(name)}`);
      const start = this.pos;
      while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === "\\" ? 2 : 1;
      if (this.pos >= this.text.length) throw new ParseError(`unterminated value of label ${JSON.stringify(name)}`);
      const value = unescape(this.text.slice(start, this.pos), true);
      this.pos++;
      if (labels.some((label) => label.name === name)) throw new ParseError(`label ${JSON.stringify(name)} appears twice`);
      labels.push({ name, value });
      this.skipBlanks();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") this.expect("}", "or ',' after a label");
    }
    this.pos++;
    return labels;
  }

  /** The next blank-separated token, or undefined at end of line or at an exemplar's `#`. */
  readToken(): string | undefined {
    this.skipBlanks();
    if (this.pos >= this.text.length || this.text[this.pos] === "#") return undefined;
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== " " && this.text[this.pos] !== "\t") this.pos++;
    return this.text.slice(start, this.pos);
  }
}

function parseTimestamp(raw: string, dialect: ExpositionDialect): number {
  if (dialect === "text") {
    if (!/^-?\d+$/.test(raw)) throw new ParseError(`invalid timestamp ${JSON.stringify(raw)}: expected integer milliseconds`);
    const ms = Number(raw);
    if (!Number.isSafeInteger(ms)) throw new ParseError(`timestamp ${raw} is out of range`);
    return ms;
  }
  const seconds = parseFloatValue(raw, "timestamp");
  if (!Number.isFinite(seconds)) throw new ParseError(`invalid timestamp ${JSON.stringify(raw)}`);
  // OpenMetrics timestamps are seconds; rounding (not truncating) keeps 1520879607.789 at …789 ms.
  return Math.round(seconds * 1000);
}

function parseSampleLine(text: string, line: number, dialect: ExpositionDialect): ExpositionSample {
  const cursor = new SampleLine(text);
  if (text.startsWith("{")) {
    throw new ParseError(QUOTED_NAMES_UNSUPPORTED);
  }
  const name = cursor.match(METRIC_NAME, "a metric name");
  cursor.skipBlanks();
  const labels = text[cursor.pos] === "{" ? cursor.readLabels() : [];
  const rawValue = cursor.readToken();
  if (rawValue === undefined) throw new ParseError(`missing value for ${name}`);
  const sample: ExpositionSample = { line, name, labels, value: parseFloatValue(rawValue, `value for ${name}`) };
  const rawTimestamp = cursor.readToken();
  if (rawTimestamp !== undefined) sample.timestampMs = parseTimestamp(rawTimestamp, dialect);
  cursor.skipBlanks();
  if (cursor.pos < text.length) {
    if (dialect !== "openmetrics" || text[cursor.pos] !== "#") {
      throw new ParseError(`unexpected ${JSON.stringify(cursor.rest.slice(0, 20))} after the ${rawTimestamp === undefined ? "value" : "timestamp"}`);
    }
    sample.exemplar = parseExemplar(cursor, dialect);
  }
  return sample;
}

/** OpenMetrics exemplar: ` # {labels} value [timestamp]`. */
function parseExemplar(cursor: SampleLine, dialect: ExpositionDialect): ExpositionExemplar {
  cursor.expect("#", "to start an exemplar");
  cursor.skipBlanks();
  const labels = cursor.readLabels();
  const rawValue = cursor.readToken();
  if (rawValue === undefined) throw new ParseError("exemplar has no value");
  const exemplar: ExpositionExemplar = { labels, value: parseFloatValue(rawValue, "exemplar value") };
  const rawTimestamp = cursor.readToken();
  if (rawTimestamp !== undefined) exemplar.timestampMs = parseTimestamp(rawTimestamp, dialect);
  cursor.skipBlanks();
  if (cursor.pos < cursor.text.length) throw new ParseError(`unexpected ${JSON.stringify(cursor.rest.slice(0, 20))} after the exemplar`);
  return exemplar;
}

/** The declared family a sample belongs to: its own name, or a base name plus a suffix its type allows. */
function familyOf(sampleName: string, families: ReadonlyMap<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(sampleName);
  if (exact?.type !== undefined) return exact;
  for (const [type, suffixes] of Object.entries(SAMPLE_SUFFIXES)) {
    for (const suffix of suffixes ?? []) {
      if (!sampleName.endsWith(suffix)) continue;
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family?.type === type) return family;
    }
  }
  return exact;
}

class ExpositionReader {
  readonly families = new Map<string, MetricFamily>();
  readonly samples: ExpositionSample[] = [];
  /** Families whose samples have been seen: a TYPE after them is an error (expfmt's rule). */
  private readonly sampled = new Set<string>();

  constructor(private readonly dialect: ExpositionDialect) {}

  private family(name: string): MetricFamily {
    let family = this.families.get(name);
    if (!family) {
      family = { name };
      this.families.set(name, family);
    }
    return family;
  }

  /** `# HELP`, `# TYPE`, `# UNIT`; other comments are ignored (text format) or rejected (OpenMetrics). */
  descriptor(line: string): void {
    const match = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+([^ \t]+)(?:[ \t]+(.*))?$/.exec(line);
    if (!match) {
      if (this.dialect === "openmetrics") throw new ParseError(`unexpected comment ${JSON.stringify(line.slice(0, 40))}: OpenMetrics allows only HELP, TYPE, UNIT and EOF`);
      return;
    }
    const [, keyword, name, rest = ""] = match;
    if (!isValidMetricName(name!)) throw new ParseError(`invalid metric name ${JSON.stringify(name)} in ${keyword}`);
    const family = this.family(name!);
    if (keyword === "HELP") {
      if (family.help !== undefined) throw new ParseError(`second HELP line for ${name}`);
      family.help = unescape(rest, false);
    } else if (keyword === "UNIT") {
      if (this.dialect !== "openmetrics") return;
      family.unit = rest.trim();
    } else {
      const type = rest.trim() as FamilyType;
      const allowed = this.dialect === "openmetrics" ? OPENMETRICS_TYPES : TEXT_TYPES;
      if (!allowed.includes(type)) throw new ParseError(`unknown type ${JSON.stringify(rest.trim())} for ${name}; expected one of ${allowed.join(", ")}`);
      if (family.type !== undefined || this.sampled.has(name!)) throw new ParseError(`second TYPE line for ${name}, or TYPE after its samples`);
      family.type = type;
    }
  }

  sample(line: string, lineNumber: number): void {
    const sample = parseSampleLine(line, lineNumber, this.dialect);
    const family = familyOf(sample.name, this.families);
    this.sampled.add(family?.name ?? sample.name);
    if (family?.type === "histogram" || family?.type === "gaugehistogram") {
      if (sample.name.endsWith("_bucket") && !sample.labels.some((l) => l.name === "le")) {
        throw new ParseError(`histogram bucket ${sample.name} has no "le" label`);
      }
    }
    if (family?.type === "summary" && sample.name === family.name && !sample.labels.some((l) => l.name === "quantile")) {
      throw new ParseError(`summary quantile ${sample.name} has no "quantile" label`);
    }
    this.samples.push(sample);
  }
}

export function parseExposition(text: string, dialect: ExpositionDialect): ParsedExposition {
  const reader = new ExpositionReader(dialect);
  const lines = text.split("\n");
  let sawEof = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, "");
    const lineNumber = index + 1;
    try {
      if (sawEof) {
        if (line.trim() !== "") throw new ParseError("content after # EOF");
        continue;
      }
      const trimmed = line.replace(/^[ \t]+/, "");
      if (trimmed === "") continue;
      if (dialect === "openmetrics" && trimmed === "# EOF") {
        sawEof = true;
        continue;
      }
      if (trimmed.startsWith("#")) reader.descriptor(trimmed);
      else reader.sample(trimmed, lineNumber);
    } catch (error) {
      if (error instanceof ParseError) throw badRequest("invalid_exposition", `line ${lineNumber}: ${error.message}`);
      throw error;
    }
  }
  if (dialect === "openmetrics" && !sawEof) {
    throw badRequest("invalid_exposition", "OpenMetrics body does not end with # EOF (truncated?)");
  }
  return { samples: reader.samples, families: reader.families };
}
