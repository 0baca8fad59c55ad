/**
 * The parameters of a Prometheus API call, as Prometheus itself reads them (`r.ParseForm`): a form-encoded POST
 * body and the URL query string are merged, body values first (so they win for single-valued parameters), and
 * repeated keys such as `match[]` are all kept (reference §4.1, §4.6 items 2–3). Grafana sends POST by default and
 * may add `customQueryParameters` to the query string of the same request.
 */
import { mediaType, type CoreRequest } from "../http";
import { badData } from "./prometheus-errors";

const FORM = "application/x-www-form-urlencoded";

export function requestParams(request: CoreRequest): URLSearchParams {
  const merged = new URLSearchParams();
  if (request.method === "POST" && request.body.byteLength > 0) {
    const type = mediaType(request);
    if (type !== FORM) {
      throw badData(`POST bodies must be ${FORM} (got ${JSON.stringify(type || "no content-type")}); or send the parameters in the query string`);
    }
    for (const [key, value] of new URLSearchParams(Buffer.from(request.body).toString("utf8"))) merged.append(key, value);
  }
  for (const [key, value] of request.query) merged.append(key, value);
  return merged;
}

/** A required single-valued parameter (the first value, as Go's `FormValue`). */
export function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw badData(`missing required parameter "${name}"`);
  return value;
}

export function optionalParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === "" ? undefined : value;
}
