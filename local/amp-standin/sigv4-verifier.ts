/**
 * SigV4 verification as AMP performs it, written from the AWS documentation ("Create a signed AWS API request",
 * IAM User Guide: canonical request → string to sign → signing key → signature) and deliberately *not* with
 * `@smithy/signature-v4`: ampgate signs with smithy and this stand-in verifies with its own code, so a bug in
 * either shows up as a 403 in tests instead of on the first contact with AWS. Botocore (test/support) is the
 * third, independent implementation both are checked against.
 *
 * Checks, in the order AWS reports them: an Authorization header of the right shape; `x-amz-date` present and
 * within ±5 minutes of our clock; the credential scope's date, region, service (`aps`) and terminator; a known
 * access key (and its session token, when it has one); `host` and `x-amz-date` (and the token) among the signed
 * headers; `x-amz-content-sha256`, when sent, equal to the SHA-256 of the body received; finally the signature,
 * compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface VerifiableRequest {
  method: string;
  /** The request-target path exactly as received (percent-encoded), without the query string. */
  path: string;
  /** The raw query string as received, without `?`. */
  rawQuery: string;
  /** Lower-case header name → every value received, in order (Node's `headersDistinct`). */
  headers: Record<string, string[] | undefined>;
  body: Uint8Array;
}

export interface KnownCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as a signed `x-amz-security-token`. */
  sessionToken?: string;
}

export interface SigV4VerifierOptions {
  region: string;
  service?: string;
  credentials: readonly KnownCredential[];
  /** Epoch ms; tests pin it. */
  now?: () => number;
  /** AWS allows 5 minutes of clock skew either way. */
  maxSkewMs?: number;
}

export type SigV4Failure =
  | "missing_auth"
  | "malformed_auth"
  | "clock_skew"
  | "bad_scope"
  | "unknown_key"
  | "unsigned_header"
  | "body_hash_mismatch"
  | "bad_signature";

export type SigV4Verdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; reason: SigV4Failure; errorType: string; message: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const fail = (reason: SigV4Failure, errorType: string, message: string): SigV4Verdict => ({ ok: false, reason, errorType, message });

export function createSigV4Verifier(options: SigV4VerifierOptions): (request: VerifiableRequest) => SigV4Verdict {
  const service = options.service ?? "aps";
  const now = options.now ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  const byAccessKey = new Map(options.credentials.map((credential) => [credential.accessKeyId, credential]));

  return (request) => {
    const single = (name: string) => request.headers[name]?.[0];
    const authorization = single("authorization");
    if (authorization === undefined) return fail("missing_auth", "MissingAuthenticationTokenException", "Missing Authentication Token");
    const parsed = AUTHORIZATION.exec(authorization);
    if (!parsed) {
      return fail("malformed_auth", "IncompleteSignatureException", `Authorization header requires '${ALGORITHM} Credential=…, SignedHeaders=…, Signature=…'`);
    }
    const [, credential, signedHeaderList, signature] = parsed as unknown as [string, string, string, string];

    const amzDate = single("x-amz-date");
    const dateMatch = amzDate === undefined ? null : AMZ_DATE.exec(amzDate);
    if (!amzDate || !dateMatch) {
      return fail("malformed_auth", "IncompleteSignatureException", "Authorization header requires existence of a valid 'X-Amz-Date' header");
    }
    const [, y, mo, d, h, mi, s] = dateMatch.map(Number) as [number, number, number, number, number, number, number];
    const signedAt = Date.UTC(y, mo - 1, d, h, mi, s);
    const skew = signedAt - now();
    if (Math.abs(skew) > maxSkewMs) {
      const relation = skew < 0 ? "Signature expired: it is now earlier than" : "Signature not yet current: it is still later than";
      return fail("clock_skew", "InvalidSignatureException", `${relation} the server time allows (${amzDate}, server ${isoBasic(now())}, ±${maxSkewMs / 60_000} min.)`);
    }

    const scope = credential.split("/");
    if (scope.length !== 5) return fail("malformed_auth", "IncompleteSignatureException", "Credential must have the form <key>/<date>/<region>/<service>/aws4_request");
    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope as [string, string, string, string, string];
    if (scopeDate !== amzDate.slice(0, 8)) {
      return fail("bad_scope", "InvalidSignatureException", `Date in Credential scope does not match YYYYMMDD from X-Amz-Date: '${scopeDate}' != '${amzDate.slice(0, 8)}'`);
    }
    if (scopeRegion !== options.region) return fail("bad_scope", "InvalidSignatureException", `Credential should be scoped to a valid region, not '${scopeRegion}'`);
    if (scopeService !== service) return fail("bad_scope", "InvalidSignatureException", `Credential should be scoped to correct service: '${service}'`);
    if (terminator !== "aws4_request") return fail("bad_scope", "InvalidSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'");

    const known = byAccessKey.get(accessKeyId);
    const token = single("x-amz-security-token");
    if (!known || !sameSecret(token, known.sessionToken)) {
      return fail("unknown_key", "UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    const signedHeaders = signedHeaderList.split(";");
    const required = ["host", "x-amz-date", ...(known.sessionToken ? ["x-amz-security-token"] : [])];
    for (const name of required) {
      if (!signedHeaders.includes(name)) return fail("unsigned_header", "InvalidSignatureException", `'${name}' must be a SignedHeader in the AWS Authorization`);
    }
    if (signedHeaders.join(";") !== [...signedHeaders].sort().join(";")) {
      return fail("malformed_auth", "InvalidSignatureException", "SignedHeaders must be sorted and lower-case");
    }
    for (const name of signedHeaders) {
      if (request.headers[name] === undefined) return fail("unsigned_header", "InvalidSignatureException", `signed header '${name}' is missing from the request`);
    }

    const bodyHash = sha256Hex(request.body);
    const declaredHash = single("x-amz-content-sha256");
    if (declaredHash !== undefined && declaredHash !== bodyHash) {
      return fail("body_hash_mismatch", "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    const canonicalRequest = [
      request.method.toUpperCase(),
      canonicalUri(request.path),
      canonicalQuery(request.rawQuery),
      ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name]!)}`),
      "",
      signedHeaders.join(";"),
      declaredHash ?? bodyHash,
    ].join("\n");
    const stringToSign = [ALGORITHM, amzDate, `${scopeDate}/${scopeRegion}/${scopeService}/${terminator}`, sha256Hex(canonicalRequest)].join("\n");
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${known.secretAccessKey}`, scopeDate), scopeRegion), scopeService), terminator);
    const expected = Buffer.from(createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex"), "ascii");
    if (!timingSafeEqual(expected, Buffer.from(signature, "ascii"))) {
      return fail("bad_signature", "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }
    return { ok: true, accessKeyId };
  };
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

const sha256Hex = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/** Constant-time equality of two optional secrets; both absent counts as equal. */
function sameSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || expected === undefined) return presented === expected;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function isoBasic(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 3986 unreserved characters stay; every other byte (including `%` of an existing escape) becomes %XX. */
function uriEncode(value: string, keepSlash: boolean): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === "/")) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The wire path with `.`/`..`/empty segments removed (RFC 3986 §5.2.4), then URI-encoded once more: for every
 * service but S3, AWS canonicalises the already-encoded path by encoding it again ("double encoding").
 */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return uriEncode(normalised, true);
}

/** Decode each received name and value, re-encode per RFC 3986, sort by name then value. */
function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return "";
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  return rawQuery
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const at = pair.indexOf("=");
      const [name, value] = at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
      return [uriEncode(decode(name), false), uriEncode(decode(value), false)] as const;
    })
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** Values trimmed, inner runs of spaces collapsed, repeated headers joined with commas. */
function canonicalHeaderValue(values: string[]): string {
  return values.map((value) => value.trim().replace(/\s+/g, " ")).join(",");
}
