/**
 * Copies `from[start, end)` into `to` at `at`, for the byte-moving loops of the ingest fast path (snappy.ts,
 * growable-bytes.ts).
 *
 * Node's `Buffer.prototype.copy` accepts any Uint8Array as source and target (Node's buffer docs) and is one native
 * call: ~15 ns whatever the length here, where `to.set(from.subarray(start, end), at)` costs 30–50 ns for the view it
 * allocates and a JavaScript byte loop ~1 ns per byte (measured on this project's machine, issue #8). So a loop
 * below ~16 bytes, the native copy above. Source and target may be the same array; overlapping ranges are copied
 * as memmove does — callers that need snappy's run-length overlap must loop themselves.
 */
const nativeCopy = Buffer.prototype.copy;

/** Below this many bytes a loop is as fast as the native call. */
const SHORT_COPY = 16;

export function copyBytes(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): void {
  if (end - start < SHORT_COPY) {
    for (let i = start; i < end; i++) to[at++] = from[i]!;
  } else {
    nativeCopy.call(from, to, at, start, end);
  }
}
