import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStringLiteral, encodeStringLiteral, StringLiteralError } from "../../src/query/promql/string-literal";

describe("PromQL string literals", () => {
  it("decode Go escapes in double and single quotes, and nothing in raw strings", () => {
    expect(decodeStringLiteral('"a\\tb\\n\\\\\\"\\x41\\101\\u00e9\\U0001F600"')).toBe('a\tb\n\\"AAé😀');
    expect(decodeStringLiteral("'it\\'s'")).toBe("it's");
    expect(decodeStringLiteral("`C:\\path\\n`")).toBe("C:\\path\\n");
    expect(decodeStringLiteral('"\\xc3\\xa9"')).toBe("é"); // bytes that form UTF-8
  });

  it("refuse what Prometheus refuses", () => {
    for (const bad of ['"abc', '"a"b"', '"\\q"', "'\\\"'", '"\\x4"', '"\\400"', '"\\ud800"', '"line\nbreak"', "`a`b`", '"\\']) {
      expect(() => decodeStringLiteral(bad), bad).toThrow(StringLiteralError);
    }
  });

  it("encode any value so it decodes back to itself", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme-composite", maxLength: 40 }), (value) => {
      expect(decodeStringLiteral(encodeStringLiteral(value))).toBe(value);
    }), { numRuns: 2000 });
    expect(encodeStringLiteral('a"b\\c\nd\x01')).toBe('"a\\"b\\\\c\\nd\\x01"');
  });
});
