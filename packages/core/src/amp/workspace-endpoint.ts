/**
 * The AMP workspace we write to and query, parsed once from configuration (`AMP_ENDPOINT`).
 *
 *   const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-abc123");
 *   endpoint.region;                       // "eu-west-1"  (the SigV4 signing region)
 *   endpoint.remoteWriteUrl;               // ".../workspaces/ws-abc123/api/v1/remote_write"
 *   endpoint.queryUrl("/api/v1/query");    // ".../workspaces/ws-abc123/api/v1/query"
 *
 * The host is fixed here, by configuration, and never taken from a request: callers only choose the API path
 * below the workspace, so no request can make ampgate sign for, or send to, another host (no SSRF).
 *
 * Accepted shapes (reference §4.1): `https://aps-workspaces[-fips].<region>.amazonaws.com[.cn]` and the
 * dual-stack `https://aps-workspaces.<region>.api.aws`, followed by `/workspaces/<id>`, optionally with a
 * trailing `/` or the `/api/v1/remote_write` suffix (what the AMP console shows as "Endpoint - remote write URL").
 * Plain http is allowed only for loopback hosts (the local stand-in and tests); their region cannot be read
 * from the host, so it comes from `options.region` (AWS_REGION).
 */

export interface AmpWorkspaceEndpoint {
  /** `https://aps-workspaces.eu-west-1.amazonaws.com` — scheme, host and port, no path. */
  readonly origin: string;
  /** The `Host` header value that is signed (hostname plus a non-default port). */
  readonly host: string;
  /** The SigV4 signing region. */
  readonly region: string;
  readonly workspaceId: string;
  /** `/workspaces/<id>` — every API path hangs below it. */
  readonly workspacePath: string;
  readonly remoteWriteUrl: string;
  /** `apiPath` such as `/api/v1/query` (optionally with `?query`) → absolute URL inside this workspace. */
  queryUrl(apiPath: string): string;
}

/** A configuration mistake, reported at start-up with a one-line message naming the setting. */
export class AmpEndpointError extends Error {
  override readonly name = "AmpEndpointError";
}

const EXAMPLE = "https://aps-workspaces.<region>.amazonaws.com/workspaces/<workspace-id>";

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** AMP data-plane hosts, with the region as the first capture group (reference §4.1, AWS endpoints page). */
const AMP_HOSTS: readonly RegExp[] = [
  /^aps-workspaces(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/,
  /^aps-workspaces(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com\.cn$/,
  /^aps-workspaces\.([a-z0-9-]+)\.api\.aws$/,
];

/** AMP's workspaceId pattern from the API reference: `[0-9A-Za-z][-.0-9A-Z_a-z]*`, 1–64 characters. */
const WORKSPACE_PATH = /^\/workspaces\/([0-9A-Za-z][-.0-9A-Z_a-z]{0,63})(?:\/|\/api\/v1\/remote_write\/?)?$/;

/**
 * An API path below the workspace: `/api/v1/<segments>` with an optional query string. Segments are limited to
 * the characters of Prometheus API names and label names, which rules out `..`, `//` and percent-encoded tricks.
 */
const API_PATH = /^\/api\/v1(?:\/[A-Za-z0-9_:-]+)+(?:\?[^#]*)?$/;

function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export function parseWorkspaceEndpoint(raw: string, options: { region?: string } = {}): AmpWorkspaceEndpoint {
  const fail = (why: string): never => {
    // Never echo a password someone pasted into the URL.
    const shown = raw.trim().replace(/\/\/[^/@]*@/, "//…@");
    throw new AmpEndpointError(`AMP_ENDPOINT ${JSON.stringify(shown)} ${why}; expected ${EXAMPLE}`);
  };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail("is not a URL");
  }
  if (url.username || url.password) fail("must not contain credentials");
  if (url.search || url.hash) fail("must not have a query string or fragment");

  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    fail("must use https (plain http is allowed only for a loopback stand-in)");
  }

  let region: string;
  if (loopback) {
    region = options.region?.trim() || fail("points at a local stand-in: set AWS_REGION to the region to sign for");
  } else {
    const match = AMP_HOSTS.map((pattern) => pattern.exec(url.hostname)).find((m) => m !== null);
    region = match?.[1] ?? fail(`has host "${url.hostname}", which is not an AMP workspace host`);
  }
  if (!REGION.test(region)) fail(`has region "${region}", which is not an AWS region name`);

  const workspaceId = WORKSPACE_PATH.exec(url.pathname)?.[1] ?? fail(`has path "${url.pathname}", not /workspaces/<workspace-id>`);
  const origin = url.origin;
  const workspacePath = `/workspaces/${workspaceId}`;
  return {
    origin,
    host: url.host,
    region,
    workspaceId,
    workspacePath,
    remoteWriteUrl: `${origin}${workspacePath}/api/v1/remote_write`,
    queryUrl(apiPath: string): string {
      return `${origin}${workspacePath}${checkApiPath(apiPath)}`;
    },
  };
}

/** Guard for the only request-controlled part of an AMP URL. Returns the path unchanged. */
export function checkApiPath(apiPath: string): string {
  if (!API_PATH.test(apiPath)) {
    throw new AmpEndpointError(`AMP API path ${JSON.stringify(apiPath)} is not of the form /api/v1/<name>`);
  }
  return apiPath;
}
