import { describe, expect, it } from "vitest";
import { createAcceptedPartsMemory, partDigest } from "../../src/amp/accepted-parts";

describe("accepted parts memory", () => {
  it("remembers a digest until its TTL passes", () => {
    let now = 0;
    const memory = createAcceptedPartsMemory({ ttlMs: 1_000, now: () => now });
    const digest = partDigest(new Uint8Array([1, 2, 3]));
    expect(memory.has(digest)).toBe(false);
    memory.remember(digest);
    now = 999;
    expect(memory.has(digest)).toBe(true);
    now = 1_000;
    expect(memory.has(digest)).toBe(false);
  });

  it("forgets the oldest entries beyond maxEntries", () => {
    const memory = createAcceptedPartsMemory({ maxEntries: 2, now: () => 0 });
    memory.remember("a");
    memory.remember("b");
    memory.remember("c");
    expect([memory.has("a"), memory.has("b"), memory.has("c")]).toEqual([false, true, true]);
  });

  it("distinguishes parts by content", () => {
    expect(partDigest(new Uint8Array([1]))).not.toBe(partDigest(new Uint8Array([2])));
    expect(partDigest(new Uint8Array([1]))).toBe(partDigest(Uint8Array.of(1)));
  });
});
