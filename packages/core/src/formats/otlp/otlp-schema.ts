/**
 * The OTLP metrics messages as protobufjs reflection types.
 *
 * The schema is our own .proto files under ../proto/ (written from the OpenTelemetry Protocol specification),
 * compiled to a JSON descriptor so the Lambda bundle needs no .proto files at run time:
 *
 *   cd packages/core/src/formats/proto && npx pbjs -t json -p . \
 *     opentelemetry/proto/collector/metrics/v1/metrics_service.proto google/rpc/status.proto -o otlp-metrics.json
 *
 * ("OTLP descriptor" in packages/core/test/formats/otlp-names.test.ts fails if the descriptor and the .proto files
 * drift apart.)
 *
 * Reflection rather than a hand-written decoder (as remote write has): OTLP requests from a home or small fleet
 * are small and infrequent, the schema is large, and nothing here needs bit-exact NaN handling — staleness is a
 * flag in OTLP, not a NaN payload.
 */
import protobuf from "protobufjs";
import descriptor from "../proto/otlp-metrics.json" with { type: "json" };

export interface OtlpSchema {
  ExportMetricsServiceRequest: protobuf.Type;
  ExportMetricsServiceResponse: protobuf.Type;
  RpcStatus: protobuf.Type;
}

let schema: OtlpSchema | undefined;

/**
 * The types, built on first use rather than at import: `Root.fromJSON` over the descriptor was ~6 ms of the ingest
 * function's module init (issue #8, docs/performance.md), and only OTLP requests need it.
 */
export function otlpSchema(): OtlpSchema {
  if (!schema) {
    const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
    schema = {
      ExportMetricsServiceRequest: root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest"),
      ExportMetricsServiceResponse: root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse"),
      RpcStatus: root.lookupType("google.rpc.Status"),
    };
  }
  return schema;
}

/**
 * protobufjs → plain objects in one shape for both encodings: 64-bit integers as decimal strings (no `Long`,
 * no precision loss), enums as numbers, scalar defaults filled in, oneof members named (`data: "sum"`,
 * `value: "asInt"`), and proto3 `optional` fields present only when set (`sum` of histograms).
 */
export const TO_PLAIN_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: true,
};
