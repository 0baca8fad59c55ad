/**
 * Prometheus Remote Write (`POST /api/v1/write`): a snappy block–compressed protobuf, 1.0 or 2.0.
 * 1.0 (`prometheus.WriteRequest`) is what Prometheus, Prometheus agent, Grafana Alloy, the OTel Collector and
 * Telegraf `prometheusremotewrite` send; 2.0 (`io.prometheus.write.v2.Request`) is what Prometheus 3 and the
 * Collector send when configured for it. Which one is negotiated from the Content-Type
 * (remote-write-v2/remote-write-message.ts); 2.0 is converted to 1.0 for AMP.
 *
 * A 2.0 sender must be told what was written: the success response carries the
 * `X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written` headers (a 2xx without them makes a 2.0
 * sender assume a broken 1.0 receiver). 1.0 responses stay a bare 204.
 *
 * A 1.0 body usually skips decoding altogether: `encodeStamped` checks and stamps its bytes in place
 * (remote-write/fast-ingest.ts); when that declines, `decode` runs on the same decompressed bytes.
 */
import { unsupportedMediaType } from "../errors";
import { emptyResponse, type CoreRequest } from "../http";
import type { DecodedPush, PushFormat } from "../ingest/push-format";
import { decodeWriteRequest } from "../remote-write/codec";
import { fastIngest } from "../remote-write/fast-ingest";
import { decompressSnappyBlock } from "../remote-write/snappy";
import { decodeRemoteWriteV2 } from "./remote-write-v2/decode-v2-request";
import { remoteWriteMessage, RW2_MESSAGE } from "./remote-write-v2/remote-write-message";

/** Decompressed once per request: `decode` runs on the same bytes when `encodeStamped` declined. */
const decompressedBodies = new WeakMap<CoreRequest, Uint8Array>();

function decompressedBody(request: CoreRequest, maxDecodedBytes: number): Uint8Array {
  const known = decompressedBodies.get(request);
  if (known) return known;
  // Telegraf's docs have users set `Content-Encoding = "snappy"` by hand, so absence is tolerated; anything
  // else (gzip from `content_encoding = "gzip"`) is a configuration mistake worth naming.
  const encoding = request.headers["content-encoding"]?.trim().toLowerCase();
  if (encoding && encoding !== "snappy") {
    throw unsupportedMediaType(`remote write bodies must be snappy block-compressed; got Content-Encoding: ${encoding}`);
  }
  const protobuf = decompressSnappyBlock(request.body, maxDecodedBytes);
  decompressedBodies.set(request, protobuf);
  return protobuf;
}

export const remoteWriteFormat: PushFormat = {
  name: "remote-write",
  // The spec requires senders to sort labels (1.0 and 2.0 alike), and AMP (like Cortex) rejects unsorted
  // series; a sender that does not sort is broken, and hearing so beats having its data silently reshaped.
  // Converted formats (Influx, JSON, OTLP) are sorted by the validator instead.
  limits: { rejectUnsortedLabels: true },
  encodeStamped(request, context) {
    if (remoteWriteMessage(request) === RW2_MESSAGE) return undefined;
    const batch = fastIngest(decompressedBody(request, context.maxDecodedBytes), context.labels, context.limits);
    // The sender's compression is reused for what goes to AMP (remote-write/snappy-splice.ts).
    if (batch) batch.snappy = request.body;
    return batch;
  },
  decode(request, context): DecodedPush {
    const message = remoteWriteMessage(request);
    const protobuf = decompressedBody(request, context.maxDecodedBytes);
    if (message === RW2_MESSAGE) return { writeRequest: decodeRemoteWriteV2(protobuf), rejected: [] };
    return { writeRequest: decodeWriteRequest(protobuf), rejected: [] };
  },
  respond(outcome) {
    if (remoteWriteMessage(outcome.request) !== RW2_MESSAGE) return emptyResponse(204);
    return emptyResponse(204, {
      "x-prometheus-remote-write-samples-written": String(outcome.samplesWritten),
      "x-prometheus-remote-write-histograms-written": String(outcome.histogramsWritten),
      "x-prometheus-remote-write-exemplars-written": String(outcome.exemplarsWritten),
    });
  },
};
