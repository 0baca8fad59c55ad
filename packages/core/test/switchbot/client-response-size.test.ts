// A SwitchBot answer is read with a byte cap: an oversized (or endless) body fails that call, not the function.
import { describe, expect, it } from "vitest";
import { createSwitchBotClient, MAX_RESPONSE_BYTES } from "../../src/switchbot/client";
import { SwitchBotError } from "../../src/switchbot/errors";

function streamingFetch(totalBytes: number, pulled: { bytes: number }): typeof fetch {
  return async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.bytes >= totalBytes) return controller.close();
        pulled.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  };
}

describe("SwitchBot response size cap", () => {
  it("stops reading past the cap and fails the call with a bad_response error", async () => {
    const pulled = { bytes: 0 };
    const client = createSwitchBotClient({ token: "t".repeat(96), secret: "s".repeat(32), fetch: streamingFetch(64 * 1024 * 1024, pulled), maxRetries: 0 });
    const error = await client.listDevices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchBotError);
    expect(error).toMatchObject({ reason: "bad_response", code: "response_too_large", operation: "GET /v1.1/devices" });
    // It read a little past the cap, not the 64 MiB on offer.
    expect(pulled.bytes).toBeLessThan(MAX_RESPONSE_BYTES + 256 * 1024);
  });

  it("reads an answer under the cap normally", async () => {
    const client = createSwitchBotClient({
      token: "t".repeat(96), secret: "s".repeat(32), maxRetries: 0,
      fetch: async () => new Response(JSON.stringify({ statusCode: 100, message: "success", body: { deviceList: [], infraredRemoteList: [] } })),
    });
    await expect(client.listDevices()).resolves.toMatchObject({ deviceList: [] });
  });
});
