/**
 * Shared by the observability tests: capturing every structured log line of a run, telling ampgate's own
 * self-metrics writes from user batches at the stand-in, and evaluating PromQL against the stand-in as AMP would
 * answer it (SigV4-signed, instant or range: test/support/amp-query.ts).
 */
import { setLogSink } from "@ampgate/core/log/logger";
import { decodeWriteRequest, decompressSnappyBlock } from "@ampgate/core/remote-write/index";
import type { StandinExchange } from "../../local/amp-standin/amp-front";
import { ampQueryApi, type PromSeries } from "../support/amp-query";

/** Every log line from now on (still shown on the console when a test fails); `stop()` restores the sink. */
export function captureLogLines(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const previous = setLogSink((line) => {
    lines.push(line);
    console.log(line);
  });
  return { lines, stop: () => void setLogSink(previous) };
}

/** A write carrying only ampgate_* series: a self-metrics snapshot (no test here pushes ampgate_* names itself). */
export function isSelfMetricsWrite(exchange: StandinExchange): boolean {
  if (exchange.kind !== "write") return false;
  const request = decodeWriteRequest(decompressSnappyBlock(exchange.body, 1 << 24));
  return request.timeseries.every((s) => s.labels.some((l) => l.name === "__name__" && l.value.startsWith("ampgate_")));
}

export const isUserWrite = (exchange: StandinExchange) => exchange.kind === "write" && !isSelfMetricsWrite(exchange);

/** `evaluate(expr)` at now, or over the last `rangeSeconds` at `stepSeconds` when given. */
export function standinPromql(ampEndpoint: string) {
  const get = ampQueryApi(ampEndpoint);
  return function evaluate(expr: string, range?: { rangeSeconds: number; stepSeconds: number }): Promise<PromSeries[]> {
    const end = Date.now() / 1000;
    return range
      ? get("/api/v1/query_range", { query: expr, start: String(end - range.rangeSeconds), end: String(end), step: String(range.stepSeconds) })
      : get("/api/v1/query", { query: expr, time: String(end) });
  };
}
