/**
 * SwitchBot API v1.1 request signing (reference §1.2).
 *
 *   sign = base64(HMAC-SHA256(key = secret, message = token + t + nonce))
 *
 * The key is the *secret* and the message contains the *token*; the digest is base64 (not hex) and sent as-is:
 * the README's "convert to upper case" is not needed and Home Assistant sends plain base64 (§1.3, SBA#121).
 * `t`, `nonce` and `sign` are computed per request: a re-sent triple or a stale `t` is rejected (SBA#339, #121).
 * Header names are lower-case on purpose: `Sign`/`Nonce`/`T` got 401 over HTTP/1.1 (SBA#217).
 */
import { createHmac, randomUUID } from "node:crypto";

export interface SignatureInput {
  token: string;
  secret: string;
  /** Epoch milliseconds as a 13-digit decimal string. */
  t: string;
  nonce: string;
}

export function switchBotSignature({ token, secret, t, nonce }: SignatureInput): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(token + t + nonce, "utf8").digest("base64");
}

export interface SignedHeaders {
  authorization: string;
  sign: string;
  t: string;
  nonce: string;
  "content-type": string;
}

/** The five headers every v1.1 call carries; `now` and `nonce` are injectable for tests. */
export function signedHeaders(
  credentials: { token: string; secret: string },
  now: number,
  nonce: string = randomUUID(),
): SignedHeaders {
  const t = String(Math.trunc(now));
  return {
    authorization: credentials.token,
    sign: switchBotSignature({ ...credentials, t, nonce }),
    t,
    nonce,
    // Doc: required on POST, harmless on GET (§1.1).
    "content-type": "application/json; charset=utf8",
  };
}
