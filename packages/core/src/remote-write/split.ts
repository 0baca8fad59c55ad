/**
 * Splits a WriteRequest into parts that each encode to at most `maxEncodedBytes` (AMP refuses requests over
 * 1 MB with 413, reference §4.4 — the limit is `limits.maxRequestBytes`).
 *
 *   for (const part of splitWriteRequest(request, limits.maxRequestBytes)) await send(part); // in order
 *
 * - Entries keep their order, and parts are meant to be sent one after another, so every series' samples
 *   reach AMP in timestamp order (reference §1.6: never split one series across concurrent requests).
 * - A series too big for one request is cut between samples: each piece repeats the labels and carries a run
 *   of consecutive samples (then histograms, then exemplars), filling the current part first.
 * - Metadata entries travel too, after the series.
 * - A request that already fits comes back as `[request]` (the same object); an empty one as `[]`.
 * - Sizes are computed (encoded-size.ts), never by encoding. Entries that cannot fit even alone — one sample
 *   with its labels, or one metadata entry, over the limit — are a 413 naming the series.
 */
import { payloadTooLarge } from "../errors";
import {
  embeddedSize, exemplarSize, histogramSize, labelsSize, metadataSize, sampleSize, timeSeriesSize,
} from "./encoded-size";
import { formatSeries } from "./series-name";
import type { Exemplar, Histogram, MetricMetadata, Sample, TimeSeries, WriteRequest } from "./types";

export function splitWriteRequest(request: WriteRequest, maxEncodedBytes: number): WriteRequest[] {
  const seriesSizes = request.timeseries.map((series) => embeddedSize(timeSeriesSize(series)));
  const metadataSizes = request.metadata.map((metadata) => embeddedSize(metadataSize(metadata)));
  if (request.timeseries.length === 0 && request.metadata.length === 0) return [];
  if (sum(seriesSizes) + sum(metadataSizes) <= maxEncodedBytes) return [request];

  const packer = new PartPacker(maxEncodedBytes);
  request.timeseries.forEach((series, index) => {
    const size = seriesSizes[index]!;
    if (size <= maxEncodedBytes) packer.addSeries(series, size);
    else for (const [piece, pieceSize] of seriesPieces(series, index, packer, maxEncodedBytes)) packer.addSeries(piece, pieceSize);
  });
  request.metadata.forEach((metadata, index) => {
    const size = metadataSizes[index]!;
    if (size > maxEncodedBytes) {
      throw payloadTooLarge("metadata_too_large",
        `metadata[${index}] "${metadata.metricFamilyName.slice(0, 100)}" encodes to ${size} bytes, more than the ${maxEncodedBytes}-byte request limit`);
    }
    packer.addMetadata(metadata, size);
  });
  return packer.finish();
}

const sum = (sizes: number[]): number => sizes.reduce((total, size) => total + size, 0);

/** Fills parts in order; a new part starts when the next entry does not fit in the current one. */
class PartPacker {
  private readonly parts: WriteRequest[] = [];
  private current: WriteRequest = { timeseries: [], metadata: [] };
  private used = 0;

  constructor(private readonly max: number) {}

  /** Bytes still free in the current part. */
  get remaining(): number {
    return this.max - this.used;
  }

  addSeries(series: TimeSeries, size: number): void {
    this.makeRoom(size);
    this.current.timeseries.push(series);
    this.used += size;
  }

  addMetadata(metadata: MetricMetadata, size: number): void {
    this.makeRoom(size);
    this.current.metadata.push(metadata);
    this.used += size;
  }

  finish(): WriteRequest[] {
    if (this.used > 0) this.parts.push(this.current);
    return this.parts;
  }

  private makeRoom(size: number): void {
    if (this.used + size <= this.max || this.used === 0) return;
    this.parts.push(this.current);
    this.current = { timeseries: [], metadata: [] };
    this.used = 0;
  }
}

type Item =
  | { kind: "sample"; value: Sample; size: number }
  | { kind: "histogram"; value: Histogram; size: number }
  | { kind: "exemplar"; value: Exemplar; size: number };

function itemsOf(series: TimeSeries): Item[] {
  return [
    ...series.samples.map((value): Item => ({ kind: "sample", value, size: embeddedSize(sampleSize(value)) })),
    ...series.histograms.map((value): Item => ({ kind: "histogram", value, size: embeddedSize(histogramSize(value)) })),
    ...series.exemplars.map((value): Item => ({ kind: "exemplar", value, size: embeddedSize(exemplarSize(value)) })),
  ];
}

function addItem(piece: TimeSeries, item: Item): void {
  if (item.kind === "sample") piece.samples.push(item.value);
  else if (item.kind === "histogram") piece.histograms.push(item.value);
  else piece.exemplars.push(item.value);
}

/**
 * Cuts an oversized series into pieces of consecutive items. The first piece is sized to the space left in
 * the packer's current part (if at least one item fits there), the rest to a whole part.
 */
function* seriesPieces(series: TimeSeries, index: number, packer: PartPacker, max: number): Generator<[TimeSeries, number]> {
  const tooLarge = (what: string, size: number) => payloadTooLarge("series_too_large",
    `timeseries[${index}] ${formatSeries(series.labels)}: ${what} encodes to ${size} bytes, more than the ${max}-byte request limit`);
  const base = labelsSize(series.labels);
  const items = itemsOf(series);
  if (items.length === 0) throw tooLarge("its label set alone", embeddedSize(base));
  let piece = emptyPiece(series);
  let content = base;
  let budget = packer.remaining;
  for (const item of items) {
    if (embeddedSize(content + item.size) > budget) {
      if (content > base) {
        yield [piece, embeddedSize(content)];
        piece = emptyPiece(series);
        content = base;
      }
      budget = max;
      if (embeddedSize(content + item.size) > budget) {
        throw tooLarge(`one ${item.kind} with the series' labels`, embeddedSize(content + item.size));
      }
    }
    addItem(piece, item);
    content += item.size;
  }
  yield [piece, embeddedSize(content)];
}

function emptyPiece(series: TimeSeries): TimeSeries {
  return { labels: series.labels, samples: [], exemplars: [], histograms: [] };
}
