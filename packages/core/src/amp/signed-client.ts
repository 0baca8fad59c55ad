/**
 * The one way ampgate talks to AMP: a SigV4-signed HTTP exchange with the configured workspace.
 *
 *   const amp = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region }) });
 *   const res = await amp.request({ method: "GET", path: "/api/v1/query", query: new URLSearchParams({ query: "up" }),
 *                                   timeoutMs: 10_000 });
 *   res.status; res.headers["content-type"]; res.body; // bytes, passed through undecoded
 *
 * Used by the remote-write client and by the query Lambda. Every call signs afresh (a retry is a new call), so a
 * signature is never older than its attempt. The host always comes from `endpoint`; callers choose only the API
 * path below the workspace, which `checkApiPath` restricts to `/api/v1/<name>…`.
 */
import corePackage from "../../package.json" with { type: "json" };
import { nodeHttpTransport, type HttpTransport, type HttpTransportResponse } from "./http-transport";
import type { RequestSigner } from "./sigv4-signer";
import { checkApiPath, type AmpWorkspaceEndpoint } from "./workspace-endpoint";

const USER_AGENT = `ampgate/${corePackage.version}`;

/** Query responses (series, labels) can be large; remote-write answers are tiny and read with a smaller cap. */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface AmpRequest {
  method: string;
  /** API path below the workspace, without query string: `/api/v1/remote_write`, `/api/v1/label/job/values`. */
  path: string;
  query?: URLSearchParams;
  /** Lower-case names. Final: they are signed as given. */
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Budget for this one exchange. */
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes?: number;
}

export type AmpResponse = HttpTransportResponse;

export interface AmpHttpClient {
  readonly endpoint: AmpWorkspaceEndpoint;
  /** Resolves with any HTTP status; rejects only with a `TransportError` (or a signing/credentials error). */
  request(request: AmpRequest): Promise<AmpResponse>;
}

export interface AmpHttpClientOptions {
  endpoint: AmpWorkspaceEndpoint;
  signer: RequestSigner;
  transport?: HttpTransport;
  userAgent?: string;
}

/**
 * RFC 3986 percent-encoding, as SigV4 canonicalises query strings. Sending the query in this same form means the
 * bytes AWS canonicalises are the ones we signed, whatever encoding the caller's URLSearchParams would have used.
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function createAmpHttpClient(options: AmpHttpClientOptions): AmpHttpClient {
  const { endpoint, signer } = options;
  const transport = options.transport ?? nodeHttpTransport;
  const userAgent = options.userAgent ?? USER_AGENT;
  return {
    endpoint,
    async request(request) {
      const path = `${endpoint.workspacePath}${checkApiPath(request.path)}`;
      const query = [...(request.query ?? [])];
      const body = request.body ?? new Uint8Array(0);
      const headers = await signer.sign({
        method: request.method,
        host: endpoint.host,
        path,
        query,
        headers: { ...request.headers, "user-agent": userAgent },
        body,
      });
      const search = query.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join("&");
      return transport({
        url: `${endpoint.origin}${path}${search ? `?${search}` : ""}`,
        method: request.method,
        headers,
        body,
        timeoutMs: request.timeoutMs,
        signal: request.signal,
        maxResponseBytes: request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    },
  };
}
