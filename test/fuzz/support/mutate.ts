/**
 * Byte-level mutation for fuzzing: valid inputs with bytes overwritten, inserted, deleted, chunks duplicated or the
 * tail cut — the inputs that get furthest into a decoder before going wrong, which random bytes rarely do.
 */
import fc from "fast-check";

type Edit = readonly [position: number, byte: number, kind: "set" | "insert" | "delete" | "duplicate" | "truncate" | "flip"];

const edit: fc.Arbitrary<Edit> = fc.tuple(
  fc.nat(),
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom("set", "insert", "delete", "duplicate", "truncate", "flip"),
);

export function applyEdits(input: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = [...input];
  for (const [position, byte, kind] of edits) {
    if (bytes.length === 0) {
      bytes.push(byte);
      continue;
    }
    const at = position % bytes.length;
    switch (kind) {
      case "set": bytes[at] = byte; break;
      case "insert": bytes.splice(at, 0, byte); break;
      case "delete": bytes.splice(at, 1 + (byte % 8)); break;
      case "duplicate": bytes = [...bytes.slice(0, at + 1 + (byte % 16)), ...bytes.slice(at)]; break;
      case "truncate": bytes.length = at; break;
      case "flip": bytes[at] = bytes[at]! ^ (1 << (byte % 8)); break;
    }
  }
  return new Uint8Array(bytes);
}

/** `valid` with 1–6 random edits. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([bytes, edits]) => applyEdits(bytes, edits));
}

/** Text over an alphabet that matters to a grammar (delimiters, escapes, digits), plus some unicode. */
export function grammarText(alphabet: string, maxLength = 400): fc.Arbitrary<Uint8Array> {
  const chars = [...alphabet];
  return fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...chars) }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 2 }) }), { maxLength })
    .map((parts) => new TextEncoder().encode(parts.join("")));
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
