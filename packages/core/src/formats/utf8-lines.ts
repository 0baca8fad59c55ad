/**
 * Strict UTF-8 decoding of text bodies that reports *which line* is broken.
 *
 * Label values are UTF-8 strings on the wire to AMP; decoding leniently would silently turn bad bytes into U+FFFD
 * and store a different value than the sender meant. Instead a line with invalid UTF-8 is blanked out (keeping
 * line numbers aligned) and named, so line-oriented formats can reject just that line.
 */

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export interface DecodedText {
  text: string;
  /** 1-based numbers of physical lines that were not valid UTF-8 (blanked in `text`). */
  invalidLines: number[];
}

export function decodeUtf8Lines(body: Uint8Array): DecodedText {
  try {
    return { text: strict.decode(body), invalidLines: [] };
  } catch {
    // Slow path, only for broken input: decode line by line.
  }
  const lines: string[] = [];
  const invalidLines: number[] = [];
  let start = 0;
  for (let lineNumber = 1; start <= body.length; lineNumber++) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    try {
      lines.push(strict.decode(body.subarray(start, end)));
    } catch {
      lines.push("");
      invalidLines.push(lineNumber);
    }
    start = end + 1;
  }
  return { text: lines.join("\n"), invalidLines };
}
