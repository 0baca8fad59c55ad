import { describe, expect, it } from "vitest";
import { isRetryableStatus, RequestError, serviceUnavailable, unauthorized } from "../src/errors";

describe("RequestError", () => {
  it("keeps its message on one line, control characters shown escaped", () => {
    expect(new RequestError(400, "x", 'bad "line"\n\u0000').message).toBe('bad "line"\\n\\u0000');
  });

  it("answers with its own headers and Retry-After in whole seconds, at least 1", () => {
    expect(unauthorized().responseHeaders()).toEqual({ "www-authenticate": 'Bearer realm="ampgate"' });
    expect(serviceUnavailable("x", "y", 2.2).responseHeaders()).toEqual({ "retry-after": "3" });
    expect(serviceUnavailable("x", "y", 0).responseHeaders()).toEqual({ "retry-after": "1" });
    expect(serviceUnavailable("x", "y").responseHeaders()).toEqual({});
  });

  it("is retryable for 429 and 5xx only", () => {
    expect([400, 401, 413, 428, 429, 500, 503].map(isRetryableStatus)).toEqual([false, false, false, false, true, true, true]);
    expect(new RequestError(503, "x", "y").retryable).toBe(true);
    expect(new RequestError(422, "x", "y").retryable).toBe(false);
  });
});
