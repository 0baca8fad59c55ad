/**
 * Text someone else wrote — an AMP or SwitchBot response body, an upstream error message — as one printable line
 * of bounded length, fit for a log field or a client's error message: control characters become spaces, runs of
 * whitespace one space, and a long text is cut with an ellipsis.
 *
 *   oneLine("line one\r\n\tline two")   // "line one line two"
 *   oneLine(body, 200)                  // at most 200 characters
 */
export function oneLine(text: string, maxChars = 300): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
