/**
 * Prometheus Remote Write 1.0 (`POST /api/v1/write`): snappy block–compressed `prometheus.WriteRequest`.
 * What Prometheus, Prometheus agent, Grafana Alloy, the OTel Collector and Telegraf `prometheusremotewrite` send.
 */
import { unsupportedMediaType } from "../errors";
import type { PushFormat } from "../ingest/push-format";
import { decodeWriteRequest } from "../remote-write/codec";
import { decompressSnappyBlock } from "../remote-write/snappy";

export const remoteWriteFormat: PushFormat = {
  name: "remote-write",
  // The spec requires senders to sort labels, and AMP (like Cortex) rejects unsorted series; a sender that
  // does not sort is broken, and hearing so beats having its data silently reshaped. Converted formats
  // (Influx, JSON, OTLP) are sorted by the validator instead.
  limits: { rejectUnsortedLabels: true },
  decode(request, context) {
    // Telegraf's docs have users set `Content-Encoding = "snappy"` by hand, so absence is tolerated; anything
    // else (gzip from `content_encoding = "gzip"`) is a configuration mistake worth naming.
    const encoding = request.headers["content-encoding"]?.trim().toLowerCase();
    if (encoding && encoding !== "snappy") {
      throw unsupportedMediaType(`remote write bodies must be snappy block-compressed; got Content-Encoding: ${encoding}`);
    }
    const protobuf = decompressSnappyBlock(request.body, context.maxDecodedBytes);
    return { writeRequest: decodeWriteRequest(protobuf), rejected: [] };
  },
};
