/**
 * Who is reading: the presented bearer token (or Basic password — Grafana's basic-auth fields work too), checked
 * in constant time against the read-token set only. An ingest token is not in that set, so it cannot read.
 */
import { presentedToken } from "../auth/credentials";
import type { ReadToken } from "../auth/read-tokens";
import { findByToken } from "../auth/token-hash";
import { RequestError, unauthorized } from "../errors";
import type { CoreRequest } from "../http";
import type { Logger } from "../log/logger";
import { upstreamUnavailable } from "./prometheus-errors";

export async function authenticateReader(
  request: Pick<CoreRequest, "headers">,
  readTokens: () => Promise<ReadToken[]>,
  log: Logger,
): Promise<ReadToken> {
  const presented = presentedToken(request.headers);
  if (!presented) throw unauthorized("missing credentials: send Authorization: Bearer <read token>");
  let tokens: ReadToken[];
  try {
    tokens = await readTokens();
  } catch (error) {
    log.error("read tokens unavailable", { error });
    if (error instanceof RequestError) throw error;
    throw upstreamUnavailable("read tokens are temporarily unavailable; retry", 5);
  }
  const token = findByToken(tokens, presented);
  if (!token) throw unauthorized("invalid read token (ingest tokens cannot read)");
  return token;
}
