/**
 * A test-only snappy *encoder* whose element choices come from a random source: long literals, all three copy
 * forms, overlapping run-length copies, far and near distances — the forms snappyjs's compressor rarely or never
 * writes, which a decoder (snappy.ts) and the splicer (snappy-splice.ts) must still handle. Not a compressor.
 */

/** A valid snappy block for `bytes` whose element choices come from `random` (test-only, not a compressor). */
export function randomSnappy(bytes: Uint8Array, random: () => number): Uint8Array {
  const out: number[] = [];
  let n = bytes.length;
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  const literal = (start: number, length: number) => {
    const m = length - 1;
    if (m < 60) out.push(m << 2);
    else if (m < 256) out.push(60 << 2, m);
    else out.push(61 << 2, m & 0xff, m >>> 8);
    for (let i = 0; i < length; i++) out.push(bytes[start + i]!);
  };
  let pos = 0;
  while (pos < bytes.length) {
    // Try a copy: the longest match at a random earlier start (or the byte right before, for run-length).
    if (pos > 0 && random() < 0.7) {
      const distance = random() < 0.2 ? 1 : 1 + Math.floor(random() * Math.min(pos, 70_000));
      let length = 0;
      while (pos + length < bytes.length && length < 64 && bytes[pos + length] === bytes[pos - distance + length]) length++;
      if (length >= 1) {
        const form = distance >= 0x10000 ? 3 : length >= 4 && length <= 11 && distance < 2048 && random() < 0.5 ? 1 : random() < 0.8 ? 2 : 3;
        if (form === 1) out.push(1 | ((length - 4) << 2) | ((distance >>> 8) << 5), distance & 0xff);
        else if (form === 2) out.push(2 | ((length - 1) << 2), distance & 0xff, distance >>> 8);
        else out.push(3 | ((length - 1) << 2), distance & 0xff, (distance >>> 8) & 0xff, (distance >>> 16) & 0xff, distance >>> 24);
        pos += length;
        continue;
      }
    }
    const length = Math.min(bytes.length - pos, 1 + Math.floor(random() * (random() < 0.1 ? 400 : 12)));
    literal(pos, length);
    pos += length;
  }
  return new Uint8Array(out);
}

export function encodeVarint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return bytes;
}

/** A seeded random source for `randomSnappy` (an LCG: repeatable from fast-check's seed, not statistically good). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
