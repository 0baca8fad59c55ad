/**
 * The OTLP schema is built on first use, not when its module is imported (formats/otlp/otlp-schema.ts): building it
 * was ~6 ms of the ingest function's module init, and only OTLP requests need it (issue #8).
 */
import { describe, expect, it, vi } from "vitest";

describe("otlpSchema", () => {
  it("builds the protobufjs types on the first call, once, and not at import", async () => {
    vi.resetModules();
    const protobuf = (await import("protobufjs")).default;
    const fromJSON = vi.spyOn(protobuf.Root, "fromJSON");
    try {
      const { otlpSchema } = await import("../../src/formats/otlp/otlp-schema");
      // …nor when the format that uses it is imported
      await import("../../src/formats/otlp/otlp-push-format");
      expect(fromJSON).not.toHaveBeenCalled();
      const schema = otlpSchema();
      expect(fromJSON).toHaveBeenCalledTimes(1);
      expect(schema.RpcStatus.fullName).toBe(".google.rpc.Status");
      expect(otlpSchema()).toBe(schema);
      expect(fromJSON).toHaveBeenCalledTimes(1);
    } finally {
      fromJSON.mockRestore();
    }
  });
});
