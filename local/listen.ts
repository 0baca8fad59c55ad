/**
 * An HTTP server listening on 127.0.0.1 — every local endpoint and test stand-in binds loopback only; port 0 picks a
 * free port. A port already taken rejects (EADDRINUSE) rather than throwing from an event, and `close()` also ends
 * idle keep-alive connections, so it never waits for a client to hang up.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
