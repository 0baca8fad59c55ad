/**
 * SigV4 cross-check: three independent implementations must agree.
 * - ampgate's signer (@smithy/signature-v4, packages/core/src/amp/sigv4-signer.ts),
 * - botocore's SigV4Auth (Debian python3-botocore, run by test/support/python-botocore-sign.py),
 * - the stand-in's verifier (local/amp-standin/sigv4-verifier.ts, written from the AWS docs).
 * Same request, credentials (with a session token), instant, host, path, headers and body → the same
 * Authorization header; the verifier accepts botocore's request and rejects every tampered variant.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { encodeRfc3986 } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { encodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { compressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { createSigV4Verifier, type VerifiableRequest } from "../../local/amp-standin/sigv4-verifier";

const PYTHON = "/usr/bin/python3";
const BOTOCORE_SIGNER = fileURLToPath(new URL("../support/python-botocore-sign.py", import.meta.url));

const CREDENTIALS = {
  accessKeyId: "ASIAAMPGATETESTKEY01",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYAMPGATEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEAMPGATE//////////session+token/with=odd/chars",
};
const REGION = "eu-west-1";
const SIGNED_AT = new Date(Date.UTC(2026, 0, 15, 12, 34, 56));
const TIMESTAMP = "20260115T123456Z";
const HOST = "aps-workspaces.eu-west-1.amazonaws.com";
const WRITE_PATH = "/workspaces/ws-abc123/api/v1/remote_write";

const WRITE_BODY = compressSnappyBlock(
  encodeWriteRequest({
    timeseries: [
      {
        labels: [
          { name: "__name__", value: "switchbot_power_watts" },
          { name: "device", value: "Plug Mini (JP) \"kitchen\"" },
          { name: "source", value: "pi-livingroom" },
        ],
        samples: [{ timestamp: SIGNED_AT.getTime(), value: 12.5 }],
        exemplars: [],
        histograms: [],
      },
    ],
    metadata: [],
  }),
);

/** Headers as the remote-write client sets them before signing (user-agent is sent, never signed). */
const WRITE_HEADERS = {
  "content-encoding": "snappy",
  "content-type": "application/x-protobuf",
  "x-prometheus-remote-write-version": "0.1.0",
  "user-agent": "ampgate/0.1.0",
};

interface BotocoreResult {
  headers: Record<string, string>;
  canonical_request: string;
}

function signWithBotocore(spec: { method: string; url: string; headers: Record<string, string>; body: Uint8Array; region?: string }): BotocoreResult {
  const output = execFileSync(PYTHON, [BOTOCORE_SIGNER], {
    input: JSON.stringify({
      method: spec.method,
      url: spec.url,
      headers: spec.headers,
      body_base64: Buffer.from(spec.body).toString("base64"),
      access_key: CREDENTIALS.accessKeyId,
      secret_key: CREDENTIALS.secretAccessKey,
      token: CREDENTIALS.sessionToken,
      region: spec.region ?? REGION,
      service: "aps",
      timestamp: TIMESTAMP,
    }),
  });
  return JSON.parse(output.toString("utf8")) as BotocoreResult;
}

const sha256Hex = (body: Uint8Array) => createHash("sha256").update(body).digest("hex");

/** The remote write above, signed by botocore (for `region`). */
const botocoreSignedWrite = (region = REGION) =>
  signWithBotocore({
    method: "POST",
    url: `https://${HOST}${WRITE_PATH}`,
    // botocore's SigV4Auth does not add x-amz-content-sha256 itself; hashed here with node:crypto, not smithy.
    headers: { ...WRITE_HEADERS, "x-amz-content-sha256": sha256Hex(WRITE_BODY) },
    body: WRITE_BODY,
    region,
  });

const ourSigner = createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS, now: () => SIGNED_AT });

/** What the verifier sees when botocore's request arrives: every header as sent, host included. */
function asReceived(method: string, path: string, rawQuery: string, headers: Record<string, string>, body: Uint8Array): VerifiableRequest {
  const all: Record<string, string[]> = { host: [HOST] };
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = [value];
  return { method, path, rawQuery, headers: all, body };
}

const verifierAt = (nowMs: number, overrides: Partial<Parameters<typeof createSigV4Verifier>[0]> = {}) =>
  createSigV4Verifier({ region: REGION, credentials: [CREDENTIALS], now: () => nowMs, ...overrides });
const verify = verifierAt(SIGNED_AT.getTime() + 60_000);

describe("SigV4: ampgate's signer against botocore", () => {
  it("gives the identical Authorization header for a remote write", async () => {
    const ours = await ourSigner.sign({ method: "POST", host: HOST, path: WRITE_PATH, query: [], headers: { ...WRITE_HEADERS }, body: WRITE_BODY });
    const theirs = botocoreSignedWrite();
    expect(theirs.canonical_request).toContain("x-prometheus-remote-write-version:0.1.0");
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours.authorization).toContain("SignedHeaders=content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-prometheus-remote-write-version,");
    expect(ours["x-amz-date"]).toBe(TIMESTAMP);
    expect(ours["x-amz-security-token"]).toBe(CREDENTIALS.sessionToken);
    expect(ours["x-amz-content-sha256"]).toBe(sha256Hex(WRITE_BODY));
    expect(ours["user-agent"]).toBe("ampgate/0.1.0");
  });

  it("gives the identical Authorization header for a query with characters that need encoding", async () => {
    const query: Array<[string, string]> = [
      ["query", 'sum by (device) (rate(switchbot_energy_wh_total{source=~"pi-.*"}[5m])) * 3600'],
      ["time", "1768480496.5"],
      ["match[]", "up"],
      ["match[]", "a!b'c(d)e*f~g"],
    ];
    const path = "/workspaces/ws-abc123/api/v1/query";
    const ours = await ourSigner.sign({ method: "GET", host: HOST, path, query, headers: { "user-agent": "ampgate/0.1.0" }, body: new Uint8Array() });
    const wireQuery = query.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join("&");
    const empty = new Uint8Array();
    const theirs = signWithBotocore({
      method: "GET",
      url: `https://${HOST}${path}?${wireQuery}`,
      headers: { "user-agent": "ampgate/0.1.0", "x-amz-content-sha256": sha256Hex(empty) },
      body: empty,
    });
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(verify(asReceived("GET", path, wireQuery, theirs.headers, empty))).toEqual({ ok: true, accessKeyId: CREDENTIALS.accessKeyId });
  });
});

describe("SigV4: the stand-in's verifier against botocore", () => {
  const signed = botocoreSignedWrite();
  const received = (headers = signed.headers, body: Uint8Array = WRITE_BODY) => asReceived("POST", WRITE_PATH, "", headers, body);

  it("accepts botocore's signed request", () => {
    expect(verify(received())).toEqual({ ok: true, accessKeyId: CREDENTIALS.accessKeyId });
  });

  it("accepts ampgate's signed request (the same bytes)", async () => {
    const ours = await ourSigner.sign({ method: "POST", host: HOST, path: WRITE_PATH, query: [], headers: { ...WRITE_HEADERS }, body: WRITE_BODY });
    expect(verify(received(ours))).toMatchObject({ ok: true });
  });

  it("rejects a tampered body (hash no longer matches)", () => {
    const tampered = Uint8Array.from(WRITE_BODY);
    tampered[tampered.length - 1]! ^= 1;
    expect(verify(received(signed.headers, tampered))).toMatchObject({ ok: false, reason: "body_hash_mismatch" });
  });

  it("rejects a tampered body whose declared hash was updated too (signature no longer matches)", () => {
    const tampered = Uint8Array.from(WRITE_BODY);
    tampered[tampered.length - 1]! ^= 1;
    expect(verify(received({ ...signed.headers, "x-amz-content-sha256": sha256Hex(tampered) }, tampered))).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects a changed signed header", () => {
    expect(verify(received({ ...signed.headers, "content-type": "application/json" }))).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("ignores a changed unsigned header (user-agent is never signed)", () => {
    expect(verify(received({ ...signed.headers, "user-agent": "curl/8" }))).toMatchObject({ ok: true });
  });

  it.each([
    ["6 minutes after signing", 6 * 60_000],
    ["6 minutes before signing", -6 * 60_000],
  ])("rejects a request checked %s (clock skew beyond ±5 min)", (_, offset) => {
    expect(verifierAt(SIGNED_AT.getTime() + offset)(received())).toMatchObject({ ok: false, reason: "clock_skew", errorType: "InvalidSignatureException" });
  });

  it("rejects a changed x-amz-date within the skew window (it is signed)", () => {
    expect(verify(received({ ...signed.headers, "x-amz-date": "20260115T123500Z" }))).toMatchObject({ ok: false });
  });

  it("rejects a signature scoped to another region", () => {
    const otherRegion = botocoreSignedWrite("us-east-1");
    expect(verify(received(otherRegion.headers))).toMatchObject({ ok: false, reason: "bad_scope" });
    expect(verifierAt(SIGNED_AT.getTime(), { region: "us-east-1" })(received())).toMatchObject({ ok: false, reason: "bad_scope" });
  });

  it("rejects a signature made with another secret", () => {
    const wrongSecret = verifierAt(SIGNED_AT.getTime(), { credentials: [{ ...CREDENTIALS, secretAccessKey: `${CREDENTIALS.secretAccessKey}x` }] });
    expect(wrongSecret(received())).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects an unknown access key, a wrong session token and an unsigned request", () => {
    const otherKey = verifierAt(SIGNED_AT.getTime(), { credentials: [{ ...CREDENTIALS, accessKeyId: "ASIAOTHERKEY" }] });
    expect(otherKey(received())).toMatchObject({ ok: false, reason: "unknown_key", errorType: "UnrecognizedClientException" });
    expect(verify(received({ ...signed.headers, "x-amz-security-token": "forged" }))).toMatchObject({ ok: false, reason: "unknown_key" });
    const { authorization: _, ...unsigned } = signed.headers;
    expect(verify(received(unsigned))).toMatchObject({ ok: false, reason: "missing_auth", message: "Missing Authentication Token" });
  });

  it("rejects a request that does not sign host", () => {
    const authorization = signed.headers.authorization!.replace("content-type;host;", "content-type;");
    expect(verify(received({ ...signed.headers, authorization }))).toMatchObject({ ok: false, reason: "unsigned_header" });
  });
});
