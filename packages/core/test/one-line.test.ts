import { describe, expect, it } from "vitest";
import { oneLine } from "../src/one-line";
import { SwitchBotError } from "../src/switchbot/errors";

describe("oneLine", () => {
  it("removes control characters and collapses whitespace", () => {
    expect(oneLine("a\r\n\tb\u0000  c\u007f")).toBe("a b c");
  });
  it("truncates with an ellipsis", () => {
    expect(oneLine("abcdef", 4)).toBe("abc…");
  });
  it("keeps at most 300 characters unless told otherwise", () => {
    expect(oneLine("x".repeat(300))).toBe("x".repeat(300));
    expect(oneLine("x".repeat(301))).toBe(`${"x".repeat(299)}…`);
  });
  it("is how a SwitchBot error quotes the server's message: one line of at most 200 characters", () => {
    const error = new SwitchBotError("server_error", "http_500", "GET /v1.1/devices", `bad\r\ngateway\u0000 ${"y".repeat(500)}`);
    const quoted = /: "(.*)"$/.exec(error.message)![1]!;
    expect(quoted.startsWith("bad gateway y")).toBe(true);
    expect(quoted.length).toBe(200);
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });
});
