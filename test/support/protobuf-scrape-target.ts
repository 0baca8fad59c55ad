/**
 * A scrape target speaking the Prometheus *protobuf* exposition format (delimited `io.prometheus.client.
 * MetricFamily` messages) — the only format in which Prometheus 2.42 scrapes native histograms. Families are
 * plain objects in the schema of test/fixtures/remote-write/prometheus-exposition.proto, encoded by protobufjs.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import protobuf from "protobufjs";
import { listenOnLoopback } from "../../local/listen";

const CONTENT_TYPE = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

const MetricFamily = protobuf
  .parse(readFileSync(new URL("../fixtures/remote-write/prometheus-exposition.proto", import.meta.url), "utf8"))
  .root.lookupType("io.prometheus.client.MetricFamily");

export interface ProtobufScrapeTarget {
  /** host:port, as a Prometheus static target. */
  readonly address: string;
  close(): Promise<void>;
}

/** `families(scrape)` is called on every scrape (1, 2, …) and returns MetricFamily objects. */
export async function startProtobufScrapeTarget(families: (scrape: number) => object[]): Promise<ProtobufScrapeTarget> {
  let scrapes = 0;
  const server = createServer((_, response) => {
    const writer = protobuf.Writer.create();
    for (const family of families(++scrapes)) writer.bytes(MetricFamily.encode(MetricFamily.fromObject(family)).finish());
    response.writeHead(200, { "content-type": CONTENT_TYPE });
    response.end(writer.finish());
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    address: `127.0.0.1:${port}`,
    close,
  };
}
