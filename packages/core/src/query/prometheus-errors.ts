/**
 * Errors in Prometheus's terms. Grafana reads the JSON body only for HTTP 2xx, 400, 422 and 503 and shows it as
 * "<errorType>: <error>" (reference §4.4), so every failure a dashboard user can fix is one of those three.
 * `RequestError.reason` carries the Prometheus `errorType`.
 */
import { RequestError } from "../errors";

/** Prometheus's own errorType → status mapping (web/api/v1/api.go), plus our auth and availability types. */
export type PrometheusErrorType = "bad_data" | "execution" | "timeout" | "canceled" | "internal" | "not_found"
  | "unavailable" | "unauthorized" | "too_large";

export const badData = (message: string) => new RequestError(400, "bad_data", message);
export const executionError = (message: string) => new RequestError(422, "execution", message);
export const queryTimeout = (message: string) => new RequestError(503, "timeout", message);
export const upstreamUnavailable = (message: string, retryAfterSeconds?: number) =>
  new RequestError(503, "unavailable", message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
export const internalError = (message: string) => new RequestError(500, "internal", message);
