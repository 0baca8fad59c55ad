/**
 * A dashboard's device picker (the energy endpoint's `device_id` parameters, simPod's "Devices" payload option) as
 * label matchers: the ids picked, or no matcher — every device — when nothing or Grafana's "All" (`$__all`) is.
 */
import { literalAlternation, type LabelMatcher } from "./promql/label-matcher";

const GRAFANA_ALL = "$__all";

export function deviceIdMatchers(ids: readonly string[]): LabelMatcher[] {
  const picked = ids.filter((id) => id !== "" && id !== GRAFANA_ALL);
  return picked.length === 0 ? [] : [{ name: "device_id", op: "=~", value: literalAlternation(picked) }];
}
