/** A tiny HTTP scrape target for a real Prometheus: serves whatever exposition text `body()` returns. */
import { createServer } from "node:http";
import { listenOnLoopback } from "../../local/listen";

export interface ScrapeTarget {
  /** host:port, as a Prometheus static target. */
  readonly address: string;
  readonly scrapes: number;
  close(): Promise<void>;
}

export async function startScrapeTarget(body: () => string): Promise<ScrapeTarget> {
  let scrapes = 0;
  const server = createServer((_, response) => {
    scrapes++;
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    response.end(body());
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    address: `127.0.0.1:${port}`,
    get scrapes() { return scrapes; },
    close,
  };
}
