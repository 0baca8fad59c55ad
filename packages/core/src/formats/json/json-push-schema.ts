/**
 * The JSON push body, for shell scripts and MicroPython boards that cannot build protobuf or line protocol:
 *
 *   [{"metric": "room_temperature_celsius", "labels": {"room": "living"}, "value": 21.5, "timestamp": 1700000000000}]
 *
 * - `metric`: a Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`);
 * - `labels`: optional object of label name → string value (names `[a-zA-Z_][a-zA-Z0-9_]*`, not `__…`);
 * - `value`: a number, `true`/`false` (1/0, for relays and switches), or `"NaN"`, `"+Inf"`, `"-Inf"` (which JSON
 *   numbers cannot express);
 * - `timestamp`: optional integer milliseconds since the epoch; the push time when absent.
 *
 * Unknown keys are errors (a typo such as `"lables"` would otherwise drop labels silently). Validation errors
 * name the array index and field: `[2].labels.room: …`.
 */
import * as v from "valibot";
import { isReservedLabelName, isValidLabelName, isValidMetricName, LABEL_NAME_RULE, METRIC_NAME_RULE } from "../../remote-write/names";

const SPECIAL_VALUES = { NaN: Number.NaN, "+Inf": Infinity, Inf: Infinity, "-Inf": -Infinity } as const;

const MetricName = v.pipe(
  v.string(),
  v.check(isValidMetricName, (issue) => `${JSON.stringify(issue.input)} is not a valid metric name (${METRIC_NAME_RULE})`),
);

const LabelName = v.pipe(
  v.string(),
  v.check(isValidLabelName, (issue) => `${JSON.stringify(issue.input)} is not a valid label name (${LABEL_NAME_RULE})`),
  v.check((name) => !isReservedLabelName(name), (issue) => `label name ${JSON.stringify(issue.input)} is reserved (starts with __)`),
);

const SampleValue = v.union(
  [
    v.number(),
    v.pipe(v.boolean(), v.transform((on) => (on ? 1 : 0))),
    v.pipe(v.picklist(Object.keys(SPECIAL_VALUES) as Array<keyof typeof SPECIAL_VALUES>), v.transform((name) => SPECIAL_VALUES[name])),
  ],
  'expected a number, true/false, or "NaN"/"+Inf"/"-Inf"',
);

const JsonSampleSchema = v.strictObject(
  {
    metric: MetricName,
    labels: v.optional(v.record(LabelName, v.string("label values must be strings")), {}),
    value: SampleValue,
    timestamp: v.optional(v.pipe(v.number(), v.integer("expected integer milliseconds since the epoch"))),
  },
  'expected an object like {"metric": "…", "labels": {…}, "value": 1.5, "timestamp": <ms>}',
);

export const JsonPushSchema = v.array(JsonSampleSchema, "expected a JSON array of samples");

export type JsonSample = v.InferOutput<typeof JsonSampleSchema>;
