/** The log schema refuses what docs/logs.md rules out (the real lines are checked in test/integration/observability-*). */
import { describe, expect, it } from "vitest";
import { checkLogLine } from "../../src/telemetry/log-schema";

const line = (fields: Record<string, unknown>) => JSON.stringify({ time: "2026-05-01T12:00:00.000Z", level: "info", ...fields });
const push = { msg: "push", fn: "ingest", requestId: "r-1", route: "POST /api/v1/write", format: "remote-write", bytes: 10, status: 204, durationMs: 3 };

describe("checkLogLine", () => {
  it("accepts a request line with its required fields, and a free-form line with the envelope", () => {
    expect(checkLogLine(line(push))).toMatchObject({ ok: true, requestLine: true });
    expect(checkLogLine(line({ msg: "amp write retry", fn: "ingest", requestId: "r-1", kind: "server" }))).toMatchObject({ ok: true, requestLine: false });
    expect(checkLogLine(line({ msg: "parameter cache stale", component: "ssm-secrets" }))).toMatchObject({ ok: true, requestLine: false });
  });

  it.each<[string, string, RegExp]>([
    ["not JSON", "push status=204", /not JSON/],
    ["no time", JSON.stringify({ level: "info", msg: "x", fn: "ingest" }), /time/],
    ["a level Lambda does not know", line({ level: "notice", msg: "x", fn: "ingest" }), /level/],
    ["neither fn nor component", line({ msg: "x" }), /fn or its component/],
    ["a push line without its status", line({ ...push, status: undefined }), /status/],
    ["a push line without its request id", line({ ...push, requestId: undefined }), /requestId/],
    ["an error answer without its reason", line({ ...push, status: 400, error: "bad" }), /reason and error/],
    ["a poll line with an unknown outcome", line({ msg: "poll", fn: "poll", requestId: "r", scheduledTime: "2026-05-01T12:00:00.000Z", outcome: "meh", durationMs: 1 }), /outcome/],
  ])("refuses %s", (_name, raw, problem) => {
    const result = checkLogLine(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problems.join("; ")).toMatch(problem);
  });
});
