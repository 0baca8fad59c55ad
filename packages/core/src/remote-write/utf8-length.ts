/**
 * UTF-8 byte length of a string, or -1 when it holds a lone surrogate — which has no UTF-8 form, so it can be
 * neither sent to AMP nor counted against a byte limit. One pass, no encoding: label limits are in bytes.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1;
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
