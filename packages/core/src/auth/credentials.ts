/**
 * Pull the presented token out of a request's headers, in every form our senders use:
 * - `Authorization: Bearer <token>`  — Prometheus `authorization`, Grafana custom header, curl;
 * - `Authorization: Basic base64(user:token)` — Telegraf `username`/`password`, Prometheus `basic_auth`;
 *   the password is the token, the user name is ignored (it is only a label for humans);
 * - `Authorization: Token <token>` — InfluxDB v2 clients (Telegraf `outputs.influxdb_v2`).
 * Query-string credentials (Influx v1 `u`/`p`) are handled by that format's route, not here.
 */
export function presentedToken(headers: Record<string, string>): string | undefined {
  const value = headers["authorization"];
  if (!value) return undefined;
  const space = value.indexOf(" ");
  if (space < 0) return undefined;
  const scheme = value.slice(0, space).toLowerCase();
  const credential = value.slice(space + 1).trim();
  if (!credential) return undefined;
  if (scheme === "bearer" || scheme === "token") return credential;
  if (scheme === "basic") {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    return password || undefined;
  }
  return undefined;
}
