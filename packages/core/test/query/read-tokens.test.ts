import { describe, expect, it } from "vitest";
import { TokenConfigError } from "../../src/auth/token-parameter";
import { parseReadTokens } from "../../src/auth/read-tokens";
import { hashToken } from "../../src/auth/token-hash";

const SHA = "a".repeat(64);

describe("parseReadTokens", () => {
  it("reads names, hashes and optional matchers", () => {
    const tokens = parseReadTokens(JSON.stringify([
      { name: "grafana", sha256: SHA },
      { name: "smiths", sha256: "b".repeat(64), matchers: '{household="smith", site=~"berlin|paris"}' },
    ]));
    expect(tokens).toEqual([
      { name: "grafana", sha256: SHA, matchers: [] },
      { name: "smiths", sha256: "b".repeat(64), matchers: [{ name: "household", op: "=", value: "smith" }, { name: "site", op: "=~", value: "berlin|paris" }] },
    ]);
    expect(parseReadTokens(undefined)).toEqual([]);
  });

  it("refuses bad entries with the entry and rule, never a value", () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ name: "x", sha256: "nothex" }], /entry 0\.sha256: sha256 must be 64/],
      [[{ name: "x", sha256: SHA, matchers: 'up{household="a"}' }], /must not name a metric/],
      [[{ name: "x", sha256: SHA, matchers: '{household=~".*"}' }], /does not match the empty value/],
      [[{ name: "x", sha256: SHA, matchers: "sum(x)" }], /must be a selector/],
      [[{ name: "x", sha256: SHA, matchers: '{household="a"' }], /parse error/],
      [[{ name: "x", sha256: SHA }, { name: "x", sha256: SHA }], /duplicate name "x"/],
    ];
    for (const [value, message] of cases) expect(() => parseReadTokens(JSON.stringify(value))).toThrow(message);
    expect(() => parseReadTokens("[")).toThrow(TokenConfigError);
    try {
      parseReadTokens(JSON.stringify([{ name: "x", sha256: "deadbeef" }]));
    } catch (error) {
      expect((error as Error).message).not.toContain("deadbeef");
    }
  });

  it("reads the one-entry list the local stack stores for READ_TOKEN (+ READ_TOKEN_MATCHERS)", () => {
    const stored = [{ name: "local", sha256: hashToken("ag_local"), matchers: '{household="me"}' }];
    expect(parseReadTokens(JSON.stringify(stored))).toEqual([{ name: "local", sha256: hashToken("ag_local"), matchers: [{ name: "household", op: "=", value: "me" }] }]);
  });
});
