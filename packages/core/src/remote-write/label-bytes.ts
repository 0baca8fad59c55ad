/**
 * The label rules of names.ts and validate.ts, checked on UTF-8 bytes in place, so the fast ingest path
 * (fast-ingest.ts) never builds a string for a label it only has to check and copy.
 *
 * Each function answers exactly what its string counterpart answers for the same text; the differential test
 * (packages/core/test/remote-write/fast-ingest.test.ts) holds them to it.
 */

const LABEL_START = 1;
const LABEL_REST = 2;
const METRIC_START = 4;
const METRIC_REST = 8;

/** Character classes of the legacy name grammars, by byte (names.ts: LABEL_NAME_RULE, METRIC_NAME_RULE). */
const NAME_CLASS = (() => {
  const table = new Uint8Array(256);
  const mark = (from: string, to: string, bits: number) => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) table[c]! |= bits;
  };
  mark("a", "z", LABEL_START | LABEL_REST | METRIC_START | METRIC_REST);
  mark("A", "Z", LABEL_START | LABEL_REST | METRIC_START | METRIC_REST);
  mark("_", "_", LABEL_START | LABEL_REST | METRIC_START | METRIC_REST);
  mark("0", "9", LABEL_REST | METRIC_REST);
  mark(":", ":", METRIC_START | METRIC_REST);
  return table;
})();

function matchesGrammar(buf: Uint8Array, start: number, end: number, first: number, rest: number): boolean {
  if (start >= end || (NAME_CLASS[buf[start]!]! & first) === 0) return false;
  for (let i = start + 1; i < end; i++) if ((NAME_CLASS[buf[i]!]! & rest) === 0) return false;
  return true;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*` — isValidLabelName. */
export const isLabelNameAt = (buf: Uint8Array, start: number, end: number): boolean =>
  matchesGrammar(buf, start, end, LABEL_START, LABEL_REST);

/** `[a-zA-Z_:][a-zA-Z0-9_:]*` — isValidMetricName. */
export const isMetricNameAt = (buf: Uint8Array, start: number, end: number): boolean =>
  matchesGrammar(buf, start, end, METRIC_START, METRIC_REST);

/**
 * Whether the bytes are well-formed UTF-8 (Unicode Table 3-7): exactly what a fatal `TextDecoder` — the
 * codec's `reader.stringVerify()` — accepts, so no overlong forms, no surrogates, nothing above U+10FFFF.
 */
export function isUtf8At(buf: Uint8Array, start: number, end: number): boolean {
  // Label values are almost always ASCII: one branch-free pass settles that case.
  let any = 0;
  for (let j = start; j < end; j++) any |= buf[j]!;
  if (any < 0x80) return true;
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    if (b0 < 0xc2 || b0 > 0xf4) return false; // continuation bytes, overlong 2-byte leads, beyond U+10FFFF
    const length = b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
    if (i + length > end) return false;
    // The second byte's range excludes overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    const b1 = buf[i + 1]!;
    const low = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
    if (b1 < low || b1 > high) return false;
    for (let k = 2; k < length; k++) if (!isContinuation(buf[i + k]!)) return false;
    i += length;
  }
  return true;
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

/**
 * Byte-order comparison of `a[aStart, aEnd)` with `b[bStart, bEnd)`: negative, 0 or positive. For the ASCII
 * names that pass isLabelNameAt this is the UTF-16 order validate.ts sorts by.
 */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const common = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < common; i++) {
    const difference = a[aStart + i]! - b[bStart + i]!;
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}
