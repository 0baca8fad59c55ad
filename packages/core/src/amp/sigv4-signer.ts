/**
 * SigV4 signing of AMP requests with `@smithy/signature-v4` (service `aps`, reference §4.2).
 *
 *   const signer = createSigV4Signer({ region: endpoint.region });          // default credential chain
 *   const headers = await signer.sign({ method: "POST", host, path, query: [], headers: {...}, body });
 *
 * `sign` returns the complete header set to send: the caller's headers plus `host`, `x-amz-date`,
 * `x-amz-content-sha256` (hash of exactly `body`), `x-amz-security-token` when the credentials are temporary
 * (always in Lambda), and `authorization`. Callers must not add or change a signed header afterwards, and must
 * sign again for every attempt: the signature carries `x-amz-date` and AWS refuses it 5 minutes later.
 */
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { defaultProvider } from "@aws-sdk/credential-provider-node";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Resolves current credentials; called once per signature, so it must cache (the SDK's chain does). */
export type CredentialProvider = () => Promise<AwsCredentials>;

export interface SignableRequest {
  method: string;
  /** The `Host` header value (from configuration, never from a client request). */
  host: string;
  /** The path exactly as sent on the wire (percent-encoded once), without the query string. */
  path: string;
  /** Query parameters in the order they are sent; keys may repeat (`match[]`). */
  query: ReadonlyArray<readonly [string, string]>;
  /** Final request headers, lower-case names. `user-agent` is sent but, as everywhere in AWS, not signed. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface RequestSigner {
  readonly region: string;
  /** All headers to send, including `authorization`. */
  sign(request: SignableRequest): Promise<Record<string, string>>;
}

export interface SigV4SignerOptions {
  region: string;
  /** Signing service name; AMP's is `aps` for both remote write and queries. */
  service?: string;
  /**
   * Default: the AWS SDK's Node chain (environment, SSO/ini profiles, web identity, ECS/EC2 roles) — in Lambda,
   * the execution role's temporary credentials from the environment. Static keys never come from our config.
   */
  credentials?: CredentialProvider;
  /** Signing clock (tests pin it). */
  now?: () => Date;
}

export function defaultCredentialProvider(): CredentialProvider {
  return defaultProvider();
}

export function createSigV4Signer(options: SigV4SignerOptions): RequestSigner {
  const now = options.now ?? (() => new Date());
  const signer = new SignatureV4({
    service: options.service ?? "aps",
    region: options.region,
    credentials: options.credentials ?? defaultCredentialProvider(),
    sha256: Hash.bind(null, "sha256"),
    // Adds x-amz-content-sha256 (computed from the body) to the signed headers, as prometheus/sigv4 does.
    applyChecksum: true,
  });
  return {
    region: options.region,
    async sign(request) {
      const query: Record<string, string | string[]> = {};
      for (const [key, value] of request.query) {
        const existing = query[key];
        query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      const signed = await signer.sign(
        {
          method: request.method,
          protocol: "https:",
          hostname: request.host,
          path: request.path,
          query,
          headers: { ...request.headers, host: request.host },
          body: request.body,
        },
        { signingDate: now() },
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
      return headers;
    },
  };
}
