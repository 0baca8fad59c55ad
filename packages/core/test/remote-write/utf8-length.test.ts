import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Length } from "../../src/remote-write/utf8-length";

describe("utf8Length", () => {
  it("is TextEncoder's byte count, or -1 exactly when the text holds a lone surrogate", () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("\ud800", "\udc00", "\udbff", "\udfff"), fc.string({ unit: "grapheme", maxLength: 1 })), maxLength: 20 });
    fc.assert(fc.property(text, (value) => {
      const lone = /\p{Cs}/u.test(value);
      expect(utf8Length(value)).toBe(lone ? -1 : new TextEncoder().encode(value).length);
    }), { numRuns: 2000 });
  });
  it("counts 1, 2, 3 and 4-byte characters", () => {
    expect(utf8Length("a")).toBe(1);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    expect(utf8Length("a\ud83d")).toBe(-1);
  });
});
