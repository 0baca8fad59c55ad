import { describe, expect, it } from "vitest";
import { AmpEndpointError, checkApiPath, parseWorkspaceEndpoint } from "../../src/amp/workspace-endpoint";

const BASE = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-abc123";

describe("parseWorkspaceEndpoint", () => {
  it.each([
    [BASE],
    [`${BASE}/`],
    [`${BASE}/api/v1/remote_write`],
    [`${BASE}/api/v1/remote_write/`],
    [`  ${BASE}\n`],
  ])("accepts the console's shapes: %s", (raw) => {
    const endpoint = parseWorkspaceEndpoint(raw);
    expect(endpoint).toMatchObject({
      origin: "https://aps-workspaces.eu-west-1.amazonaws.com",
      host: "aps-workspaces.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      workspaceId: "ws-abc123",
      workspacePath: "/workspaces/ws-abc123",
      remoteWriteUrl: `${BASE}/api/v1/remote_write`,
    });
    expect(endpoint.queryUrl("/api/v1/query?query=up")).toBe(`${BASE}/api/v1/query?query=up`);
  });

  it.each([
    ["https://aps-workspaces.us-east-1.api.aws/workspaces/ws-1", "us-east-1"],
    ["https://aps-workspaces-fips.us-gov-west-1.amazonaws.com/workspaces/ws-1", "us-gov-west-1"],
    ["https://aps-workspaces.cn-north-1.amazonaws.com.cn/workspaces/ws-1", "cn-north-1"],
    ["https://aps-workspaces.ap-southeast-2.amazonaws.com/workspaces/ws-12345678-abcd-1234-abcd-123456789012", "ap-southeast-2"],
  ])("reads the signing region from the host: %s", (raw, region) => {
    expect(parseWorkspaceEndpoint(raw).region).toBe(region);
  });

  it("ignores AWS_REGION for a real AMP host: the host decides where the signature is valid", () => {
    expect(parseWorkspaceEndpoint(BASE, { region: "us-east-1" }).region).toBe("eu-west-1");
  });

  it("allows plain http for loopback stand-ins, with the region from AWS_REGION", () => {
    const endpoint = parseWorkspaceEndpoint("http://127.0.0.1:9191/workspaces/ws-local", { region: "eu-central-1" });
    expect(endpoint).toMatchObject({ origin: "http://127.0.0.1:9191", host: "127.0.0.1:9191", region: "eu-central-1", workspaceId: "ws-local" });
    expect(parseWorkspaceEndpoint("http://localhost:80/workspaces/ws-local/", { region: "eu-central-1" }).host).toBe("localhost");
    expect(parseWorkspaceEndpoint("http://[::1]:9191/workspaces/ws-local", { region: "us-east-1" }).host).toBe("[::1]:9191");
  });

  it.each([
    ["not a url", "is not a URL"],
    ["http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1", "must use https"],
    ["http://10.0.0.5/workspaces/ws-1", "must use https"],
    ["https://example.com/workspaces/ws-1", "not an AMP workspace host"],
    ["https://aps-workspaces.eu-west-1.amazonaws.com.evil.example/workspaces/ws-1", "not an AMP workspace host"],
    ["https://aps.eu-west-1.amazonaws.com/workspaces/ws-1", "not an AMP workspace host"],
    ["https://aps-workspaces.eu-west-1.amazonaws.com/", "not /workspaces/<workspace-id>"],
    ["https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query", "not /workspaces/<workspace-id>"],
    ["https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/../x", "not /workspaces/<workspace-id>"],
    ["https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1?x=1", "query string"],
    ["https://user:pw@aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1", "credentials"],
    ["https://aps-workspaces.mars-1.amazonaws.com/workspaces/ws-1", "not an AWS region"],
    ["http://127.0.0.1:9191/workspaces/ws-local", "set AWS_REGION"],
  ])("rejects %s with a one-line configuration error", (raw, why) => {
    let error: unknown;
    try {
      parseWorkspaceEndpoint(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AmpEndpointError);
    const message = (error as Error).message;
    expect(message).toContain(why);
    expect(message).toContain("AMP_ENDPOINT");
    expect(message).not.toContain("\n");
    expect(message).not.toContain("pw@");
  });
});

describe("checkApiPath (the only request-controlled part of an AMP URL)", () => {
  it.each(["/api/v1/query", "/api/v1/label/__name__/values", "/api/v1/query_range?query=up&step=15", "/api/v1/metadata"])(
    "accepts %s",
    (path) => expect(checkApiPath(path)).toBe(path),
  );
  it.each([
    "/api/v1/../../other",
    "/api/v1/label/%2e%2e/values",
    "//evil.example/api/v1/query",
    "/api/v1//query",
    "api/v1/query",
    "/api/v2/query",
    "/api/v1/",
    "/api/v1/query#x",
    "https://evil.example/api/v1/query",
  ])("refuses %s", (path) => {
    expect(() => checkApiPath(path)).toThrow(AmpEndpointError);
  });
});
