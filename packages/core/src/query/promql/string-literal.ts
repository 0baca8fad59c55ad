/**
 * PromQL string literals: decode what a user wrote, encode what we print.
 *
 * Prometheus lexes `"…"` and `'…'` with Go escape rules and unquotes them with `util/strutil.Unquote` (Go's
 * `strconv.Unquote`, extended to accept single-quoted strings of any length); `` `…` `` is raw. Enforcement never
 * copies a user's literal through verbatim: it decodes it here and prints a fresh double-quoted literal with
 * `encodeStringLiteral`, so the text Prometheus lexes is text we produced, with no room for a disagreement between
 * the lezer grammar's string token (which is looser, see its "TODO: make this work for PromQL") and Prometheus's.
 */

export class StringLiteralError extends Error {
  override readonly name = "StringLiteralError";
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\",
};

const HEX = /^[0-9a-fA-F]+$/;

/** The value of a literal exactly as Prometheus would unquote it; throws `StringLiteralError` where it would refuse. */
export function decodeStringLiteral(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote || (quote !== '"' && quote !== "'" && quote !== "`")) {
    throw new StringLiteralError(`unterminated string ${literal.slice(0, 40)}`);
  }
  const inner = literal.slice(1, -1);
  if (quote === "`") {
    if (inner.includes("`")) throw new StringLiteralError("a raw string cannot contain a backtick");
    return inner;
  }
  let out = "";
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length === 0) return;
    out += new TextDecoder("utf-8", { fatal: false }).decode(new Uint8Array(bytes));
    bytes.length = 0;
  };
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === quote) throw new StringLiteralError(`unescaped ${quote} inside a string`);
    if (c === "\n") throw new StringLiteralError("a quoted string cannot contain a newline");
    if (c !== "\\") {
      flushBytes();
      out += c;
      continue;
    }
    const e = inner[++i];
    if (e === undefined) throw new StringLiteralError("string ends in a lone backslash");
    if (e in SIMPLE_ESCAPES) {
      flushBytes();
      out += SIMPLE_ESCAPES[e];
    } else if (e === '"' || e === "'") {
      // Go accepts \" only inside "…" and \' only inside '…'.
      if (e !== quote) throw new StringLiteralError(`invalid escape \\${e} inside a ${quote}-quoted string`);
      flushBytes();
      out += e;
    } else if (e === "x") {
      const hex = inner.slice(i + 1, i + 3);
      if (hex.length !== 2 || !HEX.test(hex)) throw new StringLiteralError("\\x needs two hex digits");
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= "0" && e <= "7") {
      const octal = inner.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) throw new StringLiteralError("octal escapes need three digits up to \\377");
      bytes.push(parseInt(octal, 8));
      i += 2;
    } else if (e === "u" || e === "U") {
      const width = e === "u" ? 4 : 8;
      const hex = inner.slice(i + 1, i + 1 + width);
      if (hex.length !== width || !HEX.test(hex)) throw new StringLiteralError(`\\${e} needs ${width} hex digits`);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new StringLiteralError(`\\${e}${hex} is not a valid code point`);
      flushBytes();
      out += String.fromCodePoint(code);
      i += width;
    } else {
      throw new StringLiteralError(`unknown escape sequence \\${e}`);
    }
  }
  flushBytes();
  return out;
}

/**
 * A double-quoted literal that Prometheus unquotes back to `value`: backslash, quote and control characters are
 * escaped, everything else (including non-ASCII) is written as itself, as Go's `strconv.Quote` would accept.
 */
export function encodeStringLiteral(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += "\ufffd"; // a lone surrogate has no UTF-8 form
    else out += ch;
  }
  return out + '"';
}
