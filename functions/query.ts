/**
 * Query Lambda: Grafana (Prometheus data source, JSON API, Infinity, simPod JSON) and the built-in chart page
 * read AMP through here with a read token — no AWS credentials on the reading side. All logic is in
 * packages/core/src/query; this file only wires configuration:
 *
 * | Variable                     | Meaning                                                                  |
 * |------------------------------|--------------------------------------------------------------------------|
 * | AMP_ENDPOINT                 | AMP workspace URL (as for ingest)                                        |
 * | AMPGATE_SECRETS_PREFIX       | SSM prefix; the `read-tokens` parameter lives below it                   |
 * | TARIFF                       | electricity tariff JSON for /json/energy (query/energy/tariff.ts); unset = prices 0 |
 * | QUERY_MAX_RANGE_DAYS         | longest range query (default 150)                                        |
 * | QUERY_MAX_RESPONSE_BYTES     | largest decoded AMP answer accepted (default 32 MiB)                     |
 * | QUERY_TIMEOUT_SECONDS        | upper bound per AMP call (default 25; the Lambda's remaining time lowers it) |
 * | QUERY_MAX_SAMPLES_PROCESSED  | optional AMP query-cost cap (`max_samples_processed_error_threshold`)    |
 */
import { CHART_PAGE_CSP, CHART_PAGE_HTML } from "@ampgate/chart-page";
import { parseReadTokens, type ReadToken } from "@ampgate/core/auth/read-tokens";
import { parseTariff } from "@ampgate/core/query/energy/tariff";
import { queryLimitsFromEnv } from "@ampgate/core/query/query-limits";
import { createQueryRouter, type QueryRouteHandler } from "@ampgate/core/query/query-router";
import { recordQuery } from "@ampgate/core/telemetry/request-metrics";
import rootPackage from "../package.json" with { type: "json" };
import { ampHttpClient, secrets } from "./lib/deps";
import { httpHandler } from "./lib/http-handler";
import { selfMetrics } from "./lib/self-metrics";

let parsedTokens: { raw: string | undefined; tokens: ReadToken[] } | undefined;

async function readTokens(): Promise<ReadToken[]> {
  const raw = await secrets(["read-tokens"]).get("read-tokens");
  if (!parsedTokens || parsedTokens.raw !== raw) parsedTokens = { raw, tokens: parseReadTokens(raw) };
  return parsedTokens.tokens;
}

let route: QueryRouteHandler | undefined;

export const handler = httpHandler("query", (request, invocation) => {
  route ??= createQueryRouter({
    upstream: ampHttpClient(),
    readTokens,
    limits: queryLimitsFromEnv(process.env),
    tariff: parseTariff(process.env.TARIFF),
    now: Date.now,
    version: rootPackage.version,
    chartPage: { html: CHART_PAGE_HTML, contentSecurityPolicy: CHART_PAGE_CSP },
    onRequestDone: (done) => recordQuery(selfMetrics("query").registry, done),
  });
  return route(request, invocation);
});
