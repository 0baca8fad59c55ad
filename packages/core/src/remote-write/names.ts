/**
 * The legacy Prometheus name rules, which AMP enforces (reference §1.5; Cortex discard reasons
 * `metric_name_invalid`, `label_invalid`). UTF-8 names (Prometheus 3, RW 2.0) are not accepted by AMP.
 */

export const METRIC_NAME_RULE = "[a-zA-Z_:][a-zA-Z0-9_:]*";
export const LABEL_NAME_RULE = "[a-zA-Z_][a-zA-Z0-9_]*";

const METRIC_NAME = new RegExp(`^${METRIC_NAME_RULE}$`);
const LABEL_NAME = new RegExp(`^${LABEL_NAME_RULE}$`);

export const METRIC_NAME_LABEL = "__name__";

export const isValidMetricName = (name: string): boolean => METRIC_NAME.test(name);
export const isValidLabelName = (name: string): boolean => LABEL_NAME.test(name);
/** `__`-prefixed names are reserved for Prometheus' internal use. */
export const isReservedLabelName = (name: string): boolean => name.startsWith("__");
