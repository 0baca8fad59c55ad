/**
 * Where the SwitchBot client reports each HTTP attempt (`onCall`), until the poller folds them into its durable
 * counters. Created once per container with the client; a run drains what was recorded, including calls made by
 * an earlier run that failed before it could save them, so no call goes uncounted.
 */
import type { SwitchBotCall } from "./client";

export interface CallLedger {
  record(call: SwitchBotCall): void;
  drain(): SwitchBotCall[];
}

export function createCallLedger(): CallLedger {
  const calls: SwitchBotCall[] = [];
  return {
    record: (call) => {
      calls.push(call);
    },
    drain: () => calls.splice(0),
  };
}
