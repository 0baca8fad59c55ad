/**
 * The fast path inside the real ingest pipeline: `handlePush` with the remote-write format and the real AMP
 * writer (real signer and signed client over a capturing transport). The same pushes go through a pipeline
 * whose writer offers `writeEncoded` (shortcut) and one whose writer does not (general path): the sender must
 * get the same answer and AMP the same decoded bytes — and the log line says which path ran.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeErrorToRequestError } from "../../src/amp/errors";
import type { HttpTransport } from "../../src/amp/http-transport";
import { createAmpWriter, type AmpWriter } from "../../src/amp/remote-write-client";
import { createAmpHttpClient } from "../../src/amp/signed-client";
import { createSigV4Signer } from "../../src/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "../../src/amp/workspace-endpoint";
import { createTokenBucketLimiter } from "../../src/auth/rate-limit";
import { hashToken } from "../../src/auth/token-hash";
import { remoteWriteFormat } from "../../src/formats/remote-write";
import type { CoreResponse } from "../../src/http";
import { handlePush, type RemoteWriter } from "../../src/ingest/ingest-pipeline";
import type { Logger, LogFields } from "../../src/log/logger";
import { encodeWriteRequest } from "../../src/remote-write/codec";
import { remoteWriteLimits } from "../../src/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "../../src/remote-write/snappy";
import type { WriteRequest } from "../../src/remote-write/types";
import { coreRequest } from "../formats/core-request";
import { writeRequest } from "./arbitraries";
import { T0 } from "./support";

const TOKEN = "fast-path-test-token";
const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-test");

function pipeline(options: { fast: boolean; maxRequestBytes?: number }) {
  const sent: Uint8Array[] = [];
  const logLines: LogFields[] = [];
  const transport: HttpTransport = async (request) => {
    sent.push(decompressSnappyBlock(request.body as Uint8Array, 64 * 1024 * 1024));
    return { status: 200, headers: {}, body: new Uint8Array() };
  };
  const signer = createSigV4Signer({ region: endpoint.region, credentials: async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" }) });
  const amp: AmpWriter = createAmpWriter({
    client: createAmpHttpClient({ endpoint, signer, transport }),
    acceptedParts: false,
    ...(options.maxRequestBytes ? { limits: { maxRequestBytes: options.maxRequestBytes } } : {}),
  });
  const writer: RemoteWriter = options.fast ? amp : { write: (request, writeOptions) => amp.write(request, writeOptions) };
  const log: Logger = {
    level: "debug",
    debug: () => undefined,
    info: (_msg, fields) => void logLines.push(fields ?? {}),
    warn: (_msg, fields) => void logLines.push(fields ?? {}),
    error: (_msg, fields) => void logLines.push(fields ?? {}),
    child: () => log,
  };
  const push = (body: Uint8Array): Promise<CoreResponse> =>
    handlePush(
      {
        request: coreRequest({ path: "/api/v1/write", headers: { authorization: `Bearer ${TOKEN}`, "content-encoding": "snappy" }, body }),
        format: remoteWriteFormat,
        deadline: Date.now() + 30_000,
      },
      {
        tokens: async () => [{ name: "pi", sha256: hashToken(TOKEN), labels: { source: "pi-livingroom" } }],
        writer,
        writeErrorToRequestError,
        limits: remoteWriteLimits({ ...(options.maxRequestBytes ? { maxRequestBytes: options.maxRequestBytes } : {}) }),
        maxBodyBytes: 4 * 1024 * 1024,
        rateLimiter: createTokenBucketLimiter(),
        now: Date.now,
        log,
      },
    );
  return { push, sent, logLines };
}

const telegrafLike = (series: number): WriteRequest => ({
  timeseries: Array.from({ length: series }, (_, i) => ({
    labels: [
      { name: "__name__", value: "cpu_usage_idle" },
      { name: "cpu", value: `cpu${i % 4}` },
      { name: "host", value: `node-${String(i).padStart(5, "0")}` },
    ],
    samples: [{ value: 97.5 - i / 100, timestamp: T0 }],
    exemplars: [],
    histograms: [],
  })),
  metadata: [],
});

const hexAll = (parts: Uint8Array[]) => parts.map((part) => Buffer.from(part).toString("hex"));

describe("fast path in the ingest pipeline", () => {
  it("a Telegraf-shaped push goes in place, and AMP receives what the general path sends, split the same way", async () => {
    for (const maxRequestBytes of [undefined, 2_000]) {
      const fast = pipeline({ fast: true, maxRequestBytes });
      const general = pipeline({ fast: false, maxRequestBytes });
      const body = compressSnappyBlock(encodeWriteRequest(telegrafLike(100)));
      const [a, b] = [await fast.push(body), await general.push(body)];
      expect(a).toEqual(b);
      expect(a.status).toBe(204);
      expect(hexAll(fast.sent)).toEqual(hexAll(general.sent));
      expect(fast.sent.length > 1).toBe(maxRequestBytes !== undefined);
      expect(fast.logLines[0]).toMatchObject({ path: "in-place", series: 100, samples: 100, status: 204 });
      expect(general.logLines[0]).toMatchObject({ path: "decoded", series: 100, samples: 100, status: 204 });
    }
  });

  it("any generated push: the same response (status, headers, message) and the same bytes at AMP", async () => {
    await fc.assert(
      fc.asyncProperty(writeRequest, async (request) => {
        const fast = pipeline({ fast: true });
        const general = pipeline({ fast: false });
        const body = compressSnappyBlock(encodeWriteRequest(request));
        expect(await fast.push(body)).toEqual(await general.push(body));
        expect(hexAll(fast.sent)).toEqual(hexAll(general.sent));
      }),
      { numRuns: 200 },
    );
  });

  it("a sender that already carries the token's labels has its own compressed body forwarded", async () => {
    const request = telegrafLike(3);
    for (const series of request.timeseries) series.labels.push({ name: "source", value: "pi-livingroom" });
    const body = compressSnappyBlock(encodeWriteRequest(request));
    const bodiesAtAmp: Uint8Array[] = [];
    const transport: HttpTransport = async (sent) => {
      bodiesAtAmp.push(sent.body as Uint8Array);
      return { status: 200, headers: {}, body: new Uint8Array() };
    };
    const signer = createSigV4Signer({ region: endpoint.region, credentials: async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" }) });
    const writer = createAmpWriter({ client: createAmpHttpClient({ endpoint, signer, transport }) });
    const batch = remoteWriteFormat.encodeStamped!(
      coreRequest({ path: "/api/v1/write", body }),
      { now: T0, maxDecodedBytes: 1 << 20, labels: { source: "pi-livingroom" }, limits: remoteWriteLimits() },
    )!;
    expect(batch.unchanged).toBe(true);
    await writer.writeEncoded(batch, { deadline: Date.now() + 10_000 });
    expect(bodiesAtAmp).toEqual([body]);
  });
});
