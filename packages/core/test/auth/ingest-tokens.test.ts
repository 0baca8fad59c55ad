import { describe, expect, it } from "vitest";
import { parseIngestTokens, TokenConfigError } from "../../src/auth/ingest-tokens";
import { findByToken, generateToken, hashToken } from "../../src/auth/token-hash";
import { presentedToken } from "../../src/auth/credentials";

const hash = "a".repeat(64);

describe("ingest-tokens parameter", () => {
  it("defaults the stamped labels to source=<name>", () => {
    expect(parseIngestTokens(JSON.stringify([{ name: "pi-livingroom", sha256: hash }]))).toEqual([
      { name: "pi-livingroom", sha256: hash, labels: { source: "pi-livingroom" } },
    ]);
  });

  it("keeps explicit labels and per-token limits", () => {
    const [token] = parseIngestTokens(JSON.stringify([
      { name: "telegraf", sha256: hash, labels: { site: "garage" }, maxBodyBytes: 1000, maxRequestsPerMinute: 60 },
    ]));
    expect(token).toEqual({ name: "telegraf", sha256: hash, labels: { site: "garage" }, maxBodyBytes: 1000, maxRequestsPerMinute: 60 });
  });

  it("treats a missing or empty parameter as no tokens", () => {
    expect(parseIngestTokens(undefined)).toEqual([]);
    expect(parseIngestTokens("  ")).toEqual([]);
  });

  it.each([
    ["not JSON", "[", /not valid JSON/],
    ["a bad hash", JSON.stringify([{ name: "x", sha256: "XYZ" }]), /entry 0\.sha256: sha256 must be 64/],
    ["a reserved label", JSON.stringify([{ name: "x", sha256: hash, labels: { __name__: "y" } }]), /reserved/],
    ["an empty label value", JSON.stringify([{ name: "x", sha256: hash, labels: { a: "" } }]), /must not be empty/],
    ["a duplicate name", JSON.stringify([{ name: "x", sha256: hash }, { name: "x", sha256: hash }]), /duplicate name "x"/],
  ])("rejects %s with a message naming the entry, never a hash", (_, json, message) => {
    expect(() => parseIngestTokens(json)).toThrow(TokenConfigError);
    expect(() => parseIngestTokens(json)).toThrow(message);
    try { parseIngestTokens(json); } catch (error) { expect((error as Error).message).not.toContain(hash); }
  });
});

describe("token hashing and lookup", () => {
  it("finds the record whose hash matches, and nothing for other tokens", () => {
    const token = generateToken();
    expect(token).toMatch(/^ag_[A-Za-z0-9_-]{43}$/);
    const records = [{ name: "a", sha256: hashToken("other") }, { name: "b", sha256: hashToken(token) }];
    expect(findByToken(records, token)?.name).toBe("b");
    expect(findByToken(records, `${token}x`)).toBeUndefined();
    expect(findByToken(records, "")).toBeUndefined();
    expect(findByToken([{ name: "bad", sha256: "zz" }], token)).toBeUndefined();
  });

  it("reads Bearer, Token and Basic (password) credentials", () => {
    expect(presentedToken({ authorization: "Bearer abc" })).toBe("abc");
    expect(presentedToken({ authorization: "bearer   abc " })).toBe("abc");
    expect(presentedToken({ authorization: "Token abc" })).toBe("abc");
    expect(presentedToken({ authorization: `Basic ${Buffer.from("pi:se:cret").toString("base64")}` })).toBe("se:cret");
    expect(presentedToken({ authorization: `Basic ${Buffer.from("pi:").toString("base64")}` })).toBeUndefined();
    expect(presentedToken({ authorization: "Digest x" })).toBeUndefined();
    expect(presentedToken({})).toBeUndefined();
  });
});
