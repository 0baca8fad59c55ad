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
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

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
  /** Default: `defaultCredentialProvider()`. Static keys never come from our config. */
  credentials?: CredentialProvider;
  /** Signing clock (tests pin it). */
  now?: () => Date;
}

/**
 * In Lambda: the execution role's credentials from the environment. Lambda always sets AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN for the role (Lambda developer guide, "Defined runtime environment
 * variables"), so `@aws-sdk/credential-provider-env` is all a function needs there — nothing of the SDK's full Node
 * chain (ini/SSO profiles, process, web identity, container and instance metadata, and the STS/SSO clients they
 * import) is needed to sign. How much that saves depends on the bundle: in one file the chain was ~30 ms of module
 * init; with code splitting (infra/nodejs-build.ts) its sources are chunks it would not load either, so the
 * difference on a first request is within the bench's noise (docs/performance.md, cold start).
 *
 * Elsewhere (the local runner, a laptop with a profile or SSO): the full chain (`credential-chain.ts`), imported on
 * first use and cached by the SDK as before.
 */
export function defaultCredentialProvider(): CredentialProvider {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.AWS_ACCESS_KEY_ID) return fromEnv();
  let chain: Promise<CredentialProvider> | undefined;
  return async () => {
    chain ??= import("./credential-chain").then(({ defaultProvider }) => defaultProvider());
    return (await chain)();
  };
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
