/**
 * InfluxDB line protocol parser (reference §5.2; InfluxDB docs-v2 "line protocol" and the influxdata/line-protocol
 * v2 decoder, whose rules InfluxDB 2.x and Telegraf's default parser follow):
 *
 *   measurement[,tag=value…] field=value[,field=value…] [timestamp]
 *
 * - measurement escapes `,` and space; tag keys, tag values and field keys escape `,`, `=` and space; string field
 *   values escape `"` and `\`. `\\` is one backslash everywhere; a backslash before any other character is literal.
 * - Field values: float (`1`, `-1.5e3`), integer `12i`, unsigned `12u`, boolean (`t`/`true`/`True`/`TRUE`/…),
 *   double-quoted string (may contain newlines). NaN/Inf and hex floats are not line protocol.
 * - Lines end in `\n` or `\r\n`; blank lines and `#` comments are skipped; spaces may precede a line, separate
 *   sections (one or more) and trail the timestamp; tabs and other control characters are errors.
 *
 * A syntax error rejects that line only (InfluxDB's partial-write semantics): the parser records the 1-based
 * line number where the entry starts and resumes at the next line.
 */

export type FieldValue =
  | { type: "float"; value: number }
  | { type: "integer"; value: bigint }
  | { type: "unsigned"; value: bigint }
  | { type: "boolean"; value: boolean }
  | { type: "string"; value: string };

export interface LinePoint {
  /** 1-based line number where the entry starts. */
  line: number;
  measurement: string;
  tags: Array<[key: string, value: string]>;
  fields: Array<[key: string, value: FieldValue]>;
  /** The raw integer timestamp, in the request's precision; absent when the line has none. */
  timestamp?: bigint;
}

export interface LineError {
  line: number;
  message: string;
}

export interface ParsedLines {
  points: LinePoint[];
  errors: LineError[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const BOOLEANS: Record<string, boolean> = {
  t: true, T: true, true: true, True: true, TRUE: true,
  f: false, F: false, false: false, False: false, FALSE: false,
};
const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const UNSIGNED = /^\d+$/;

class LineSyntaxError extends Error {}
/** An unterminated string swallows the rest of the body; recovery restarts on the line after the entry's first. */
class UnterminatedString extends LineSyntaxError {}

/** Which characters end an element, and which a backslash may escape in it. */
interface ElementRule {
  name: string;
  stops: string;
  escapes: string;
  /** ASCII codes that need a closer look (stops, backslash, control characters); the rest is plain text. */
  special: Uint8Array;
}

function elementRule(name: string, stops: string, escapes: string): ElementRule {
  const special = new Uint8Array(128);
  for (let code = 0; code < 0x20; code++) special[code] = 1;
  special[0x7f] = 1;
  for (const char of stops + "\\") special[char.charCodeAt(0)] = 1;
  return { name, stops, escapes, special };
}

const MEASUREMENT = elementRule("measurement", ", ", ", \\");
const TAG_KEY = elementRule("tag key", ",= ", ",= \\");
const TAG_VALUE = elementRule("tag value", ",= ", ",= \\");
const FIELD_KEY = elementRule("field key", ",= ", ",= \\");

const isControl = (code: number) => code < 0x20 || code === 0x7f;
const describe = (char: string | undefined) => (char === undefined ? "end of line" : JSON.stringify(char));

class LineScanner {
  pos = 0;
  line = 1;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }
  atEndOfLine(): boolean {
    const c = this.peek();
    return c === undefined || c === "\n" || (c === "\r" && this.peek(1) === "\n");
  }
  /** Consumes a line ending (if any) and counts it. */
  takeEndOfLine(): void {
    if (this.peek() === "\r") this.pos++;
    if (this.peek() === "\n") {
      this.pos++;
      this.line++;
    }
  }
  skipSpaces(): number {
    const start = this.pos;
    while (this.peek() === " ") this.pos++;
    return this.pos - start;
  }
  /** Recovery after an error: drop the rest of the physical line. */
  skipRestOfLine(): void {
    const newline = this.text.indexOf("\n", this.pos);
    this.pos = newline < 0 ? this.text.length : newline;
    this.takeEndOfLine();
  }

  /**
   * Reads up to an unescaped stop character or the end of the line, unescaping on the way. Plain runs are
   * sliced rather than appended character by character (most elements contain no backslash at all).
   */
  readElement(rule: ElementRule): string {
    const text = this.text;
    let out = "";
    let runStart = this.pos;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code >= 128 || rule.special[code] === 0) {
        this.pos++;
        continue;
      }
      const c = text[this.pos]!;
      if (c === "\\") {
        const next = text[this.pos + 1];
        if (next !== undefined && rule.escapes.includes(next)) {
          out += text.slice(runStart, this.pos) + next;
          this.pos += 2;
          runStart = this.pos;
          continue;
        }
        this.pos++;
        continue;
      }
      if (rule.stops.includes(c) || this.atEndOfLine()) break;
      if (isControl(c.charCodeAt(0))) {
        throw new LineSyntaxError(`invalid control character ${JSON.stringify(c)} in ${rule.name}`);
      }
      this.pos++;
    }
    return out + text.slice(runStart, this.pos);
  }

  /** A double-quoted string field value; the opening quote is at `pos`. Newlines inside are allowed. */
  readQuotedString(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new UnterminatedString("string field value has no closing quote");
      if (c === "\\" && (this.peek(1) === '"' || this.peek(1) === "\\")) {
        out += this.peek(1);
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === '"') return out;
      if (c === "\n") this.line++;
      out += c;
    }
  }

  /** An unquoted token (number, boolean, timestamp): up to `,`, space or end of line. */
  readToken(): string {
    const start = this.pos;
    for (let code = this.text.charCodeAt(this.pos); this.pos < this.text.length; code = this.text.charCodeAt(++this.pos)) {
      if (code === 0x2c /* , */ || code === 0x20 /* space */ || code === 0x0a /* \n */) break;
      if (code === 0x0d /* \r */ && this.atEndOfLine()) break;
    }
    return this.text.slice(start, this.pos);
  }
}

function parseFieldValue(raw: string, key: string): FieldValue {
  const bad = (kind: string) => new LineSyntaxError(`invalid ${kind} value ${JSON.stringify(raw)} for field ${JSON.stringify(key)}`);
  if (raw === "") throw new LineSyntaxError(`missing value for field ${JSON.stringify(key)}`);
  const bool = BOOLEANS[raw];
  if (bool !== undefined) return { type: "boolean", value: bool };
  const suffix = raw[raw.length - 1];
  if (suffix === "i") {
    const digits = raw.slice(0, -1);
    if (!INTEGER.test(digits)) throw bad("integer");
    const value = BigInt(digits);
    if (value < INT64_MIN || value > INT64_MAX) throw bad("integer (out of int64 range)");
    return { type: "integer", value };
  }
  if (suffix === "u") {
    const digits = raw.slice(0, -1);
    if (!UNSIGNED.test(digits)) throw bad("unsigned");
    const value = BigInt(digits);
    if (value > UINT64_MAX) throw bad("unsigned (out of uint64 range)");
    return { type: "unsigned", value };
  }
  if (!FLOAT.test(raw)) {
    throw new LineSyntaxError(
      `invalid value ${JSON.stringify(raw)} for field ${JSON.stringify(key)}: expected a number, 12i, 12u, true/false or a "quoted string"`,
    );
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw bad("float (out of float64 range)");
  return { type: "float", value };
}

function parseEntry(scanner: LineScanner, line: number): LinePoint {
  const measurement = scanner.readElement(MEASUREMENT);
  if (measurement === "") throw new LineSyntaxError("missing measurement name");

  const tags: LinePoint["tags"] = [];
  while (scanner.peek() === ",") {
    scanner.pos++;
    const key = scanner.readElement(TAG_KEY);
    if (key === "") throw new LineSyntaxError(`missing tag key after ${JSON.stringify(measurement)},`);
    if (scanner.peek() !== "=") {
      throw new LineSyntaxError(`expected '=' after tag key ${JSON.stringify(key)}, found ${describe(scanner.atEndOfLine() ? undefined : scanner.peek())}`);
    }
    scanner.pos++;
    const value = scanner.readElement(TAG_VALUE);
    if (value === "") throw new LineSyntaxError(`missing value for tag ${JSON.stringify(key)}`);
    if (scanner.peek() === "=") throw new LineSyntaxError(`unescaped '=' in the value of tag ${JSON.stringify(key)}`);
    if (tags.some(([k]) => k === key)) throw new LineSyntaxError(`duplicate tag key ${JSON.stringify(key)}`);
    tags.push([key, value]);
  }
  if (scanner.skipSpaces() === 0 || scanner.atEndOfLine()) {
    throw new LineSyntaxError(`missing fields after ${JSON.stringify(measurement)}: a point needs at least one field=value`);
  }

  const fields: LinePoint["fields"] = [];
  for (;;) {
    const key = scanner.readElement(FIELD_KEY);
    if (key === "") throw new LineSyntaxError("missing field key");
    if (scanner.peek() !== "=") {
      throw new LineSyntaxError(`expected '=' after field key ${JSON.stringify(key)}, found ${describe(scanner.atEndOfLine() ? undefined : scanner.peek())}`);
    }
    scanner.pos++;
    if (scanner.peek() === '"') {
      fields.push([key, { type: "string", value: scanner.readQuotedString() }]);
      if (!scanner.atEndOfLine() && scanner.peek() !== "," && scanner.peek() !== " ") {
        throw new LineSyntaxError(`unexpected ${describe(scanner.peek())} after the string value of field ${JSON.stringify(key)}`);
      }
    } else fields.push([key, parseFieldValue(scanner.readToken(), key)]);
    if (scanner.peek() !== ",") break;
    scanner.pos++;
  }

  scanner.skipSpaces();
  let timestamp: bigint | undefined;
  if (!scanner.atEndOfLine()) {
    const raw = scanner.readToken();
    if (!INTEGER.test(raw)) throw new LineSyntaxError(`invalid timestamp ${JSON.stringify(raw)}: expected an integer`);
    timestamp = BigInt(raw);
    if (timestamp < INT64_MIN || timestamp > INT64_MAX) throw new LineSyntaxError(`timestamp ${raw} is out of int64 range`);
    scanner.skipSpaces();
    if (!scanner.atEndOfLine()) {
      throw new LineSyntaxError(`unexpected text after the timestamp: ${JSON.stringify(scanner.readToken())}`);
    }
  }
  return timestamp === undefined ? { line, measurement, tags, fields } : { line, measurement, tags, fields, timestamp };
}

export function parseLineProtocol(text: string): ParsedLines {
  const scanner = new LineScanner(text);
  const points: LinePoint[] = [];
  const errors: LineError[] = [];
  while (!scanner.done) {
    scanner.skipSpaces();
    if (scanner.atEndOfLine()) {
      scanner.takeEndOfLine();
      continue;
    }
    if (scanner.peek() === "#") {
      scanner.skipRestOfLine();
      continue;
    }
    const line = scanner.line;
    const start = scanner.pos;
    try {
      points.push(parseEntry(scanner, line));
      scanner.takeEndOfLine();
    } catch (error) {
      if (!(error instanceof LineSyntaxError)) throw error;
      errors.push({ line, message: error.message });
      if (error instanceof UnterminatedString) {
        scanner.pos = start;
        scanner.line = line;
      }
      scanner.skipRestOfLine();
    }
  }
  return { points, errors };
}
