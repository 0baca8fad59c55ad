import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import {
  AmpWriteError,
  ampErrorFromResponse,
  ampErrorToRequestError,
  kindOfStatus,
  writeErrorToRequestError,
  type AmpWriteErrorKind,
} from "../../src/amp/errors";

const encode = (text: string) => new TextEncoder().encode(text);

describe("kindOfStatus", () => {
  it.each<[number, AmpWriteErrorKind]>([
    [400, "rejected"],
    [401, "auth"],
    [403, "auth"],
    [404, "configuration"],
    [409, "rejected"],
    [413, "too_large"],
    [422, "rejected"],
    [429, "throttled"],
    [500, "server"],
    [502, "server"],
    [503, "server"],
    [504, "server"],
    [301, "configuration"],
  ])("HTTP %i → %s", (status, kind) => expect(kindOfStatus(status)).toBe(kind));
});

describe("ampErrorFromResponse", () => {
  it("keeps AMP's text as one truncated line", () => {
    const body = `user=123456789012_ws-abc: err: out of order sample. timestamp=2022-06-03T07:56:08.638Z, series={__name__="x"}\n\n${"y".repeat(5000)}`;
    const error = ampErrorFromResponse(400, encode(body), undefined);
    expect(error.kind).toBe("rejected");
    expect(error.details.status).toBe(400);
    expect(error.details.ampMessage).toMatch(/^user=123456789012_ws-abc: err: out of order sample\. timestamp=/);
    expect(error.details.ampMessage).not.toContain("\n");
    expect(error.details.ampMessage!.length).toBeLessThanOrEqual(300);
  });
});

describe("ampErrorToRequestError — what the ingest client sees", () => {
  const cases: Array<[AmpWriteErrorKind, number, string, boolean]> = [
    ["rejected", 400, "amp_rejected", false],
    ["too_large", 413, "amp_request_too_large", false],
    ["throttled", 429, "amp_throttled", true],
    ["server", 503, "amp_unavailable", true],
    ["network", 503, "amp_unreachable", true],
    ["timeout", 503, "amp_timeout", true],
    ["deadline", 503, "amp_deadline", true],
    ["auth", 503, "amp_forbidden", true],
    ["configuration", 503, "amp_misconfigured", true],
  ];
  it.each(cases)("%s → %i %s", (kind, status, reason, retryable) => {
    const mapped = ampErrorToRequestError(new AmpWriteError(kind, "x", { status: 999 }));
    expect(mapped).toBeInstanceOf(RequestError);
    expect(mapped.status).toBe(status);
    expect(mapped.reason).toBe(reason);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.message).not.toContain("\n");
    if (retryable) expect(mapped.options.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    else expect(mapped.options.retryAfterSeconds).toBeUndefined();
  });

  it("passes AMP's 400 reason on, prefixed so the sender knows AMP said it, without AMP's tenant prefix", () => {
    const error = ampErrorFromResponse(400, encode("user=123456789012_ws-abc: err: out of order sample. series={__name__=\"power\"}\n"), undefined);
    const mapped = ampErrorToRequestError(error);
    expect(mapped.message).toBe('AMP rejected the batch (HTTP 400): err: out of order sample. series={__name__="power"}');
    expect(mapped.message).not.toContain("123456789012");
  });

  it("forwards AMP's Retry-After (rounded up to whole seconds, capped at 5 minutes)", () => {
    expect(ampErrorToRequestError(new AmpWriteError("throttled", "x", { retryAfterMs: 2_100 })).options.retryAfterSeconds).toBe(3);
    expect(ampErrorToRequestError(new AmpWriteError("server", "x", { retryAfterMs: 86_400_000 })).options.retryAfterSeconds).toBe(300);
    expect(ampErrorToRequestError(new AmpWriteError("throttled", "x", { retryAfterMs: 0 })).options.retryAfterSeconds).toBe(1);
  });

  it("keeps AMP's IAM message (role ARN, account) away from the client", () => {
    const body = "User: arn:aws:sts::123456789012:assumed-role/ampgate-ingest/fn is not authorized to perform: aps:RemoteWrite";
    const mapped = ampErrorToRequestError(ampErrorFromResponse(403, encode(body), undefined));
    expect(mapped.status).toBe(503);
    expect(mapped.message).not.toContain("123456789012");
    expect(mapped.message).not.toContain("arn:");
  });

  it("turns a non-AMP failure into a retryable 500 and leaves RequestErrors alone", () => {
    expect(writeErrorToRequestError(new TypeError("boom")).status).toBe(500);
    const own = new RequestError(400, "x", "y");
    expect(writeErrorToRequestError(own)).toBe(own);
  });
});
