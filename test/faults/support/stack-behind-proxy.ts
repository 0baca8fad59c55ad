/**
 * The local stack with the fault proxy between its handlers and the AMP stand-in — the setup of every suite that
 * injects AMP faults or watches what reaches AMP.
 *
 *   const { stack, ampProxy } = await startStackBehindProxy("faults", { env: { INGEST_TOKEN } });
 */
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from "../../../local/fault-proxy/fault-proxy";
import type { LocalStack, LocalStackOptions } from "../../../local/stack";
import { startTestStack } from "../../support/local-stack";

export interface StackBehindProxy {
  stack: LocalStack;
  ampProxy: FaultProxy;
  /** Stops the stack, then the proxy. */
  stop(): Promise<void>;
}

export async function startStackBehindProxy(
  name: string,
  options: Omit<LocalStackOptions, "port" | "dataDir" | "ampFront"> = {},
  proxy: Omit<FaultProxyOptions, "target"> = {},
): Promise<StackBehindProxy> {
  let ampProxy: FaultProxy | undefined;
  const stack = await startTestStack(name, {
    ...options,
    ampFront: async (standinUrl) => (ampProxy = await startFaultProxy({ ...proxy, target: standinUrl })).url,
  });
  return {
    stack,
    ampProxy: ampProxy!,
    async stop() {
      await stack.stop();
      await ampProxy?.close();
    },
  };
}
