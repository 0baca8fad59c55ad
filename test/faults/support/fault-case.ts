/**
 * One counted fault case on the ingest path: inject a fault into the next `times` AMP writes, let a retrying sender
 * push three batches of four series through the stack, then read back what the stand-in stored.
 */
import type { FaultProxy } from "../../../local/fault-proxy/fault-proxy";
import type { ProxyFault } from "../../../local/fault-proxy/faults";
import type { LocalStack } from "../../../local/stack";
import { formatBatch, type PushFormatName } from "./push-batches";
import type { FigureRow } from "./report-figures";
import { RetryingSender, type PushBatch } from "./retrying-sender";
import { accountFor, countStored, storedSamples, type SampleAccount } from "./sample-accounting";

export const WRITE_PATH = "/workspaces/ws-local/api/v1/remote_write";

export interface FaultCaseSetup {
  stack: LocalStack;
  ampProxy: FaultProxy;
  token: string;
}

export interface FaultCaseResult {
  sender: RetryingSender;
  batches: PushBatch[];
  account: SampleAccount;
  /** AMP write requests ampgate made during the case. */
  ampRequests: number;
  /** How many of them the fault hit. */
  injected: number;
  figures: FigureRow;
}

let clock = Date.now() - 10 * 60_000;

/** Three batches of four series, one sample per series per batch, timestamps ascending across batches. */
export function threeBatches(caseLabel: string, ingestUrl: string, token: string, format: PushFormatName = "remote-write"): PushBatch[] {
  return [0, 1, 2].map((b) => {
    clock += 1_000;
    const timestamp = clock;
    return formatBatch(format, `${caseLabel}-${b}`, ingestUrl, token, "fault_probe",
      [0, 1, 2, 3].map((s) => ({ labels: { case: caseLabel, series: `s${s}` }, timestamp, value: b * 10 + s + 0.25 })));
  });
}

export async function runFaultCase(setup: FaultCaseSetup, name: string, fault: ProxyFault, times: number, format: PushFormatName = "remote-write"): Promise<FaultCaseResult> {
  const { stack, ampProxy, token } = setup;
  const caseLabel = `${format === "remote-write" ? "" : `${format.replace(/-/g, "_")}_`}${name.replace(/[^a-z0-9]+/gi, "_")}_x${times}`;
  const before = ampProxy.exchanges().length;
  const samplesAcceptedBefore = stack.standin!.stats.samplesAccepted;
  // The Pushgateway format also writes `push_time_seconds` per push: counted so that duplicates mean duplicates.
  const sideSeries = () => (format === "prometheus-text" ? storedSamples(stack.standin!.workspaceUrl, "push_time_seconds").then(countStored) : Promise.resolve(0));
  const sideBefore = await sideSeries();
  ampProxy.inject({ name, fault, times, method: "POST", pathPrefix: WRITE_PATH });
  const sender = new RetryingSender({ retryAfterScale: 0.01 });
  const batches = threeBatches(caseLabel, stack.url, token, format);
  for (const batch of batches) sender.enqueue(batch);
  const started = Date.now();
  await sender.drain(Date.now() + 60_000);
  const elapsedMs = Date.now() - started;

  const stored = await storedSamples(stack.standin!.workspaceUrl, `{__name__=~"fault_probe.*", case="${caseLabel}"}`);
  const account = accountFor(sender.ledger.acknowledged.flatMap((b) => b.samples), stored);
  const sideAfter = await sideSeries();
  const writes = ampProxy.exchanges().slice(before).filter((e) => e.target.startsWith(WRITE_PATH));
  const injected = writes.filter((e) => e.fault === name).length;
  return {
    sender,
    batches,
    account,
    ampRequests: writes.length,
    injected,
    figures: {
      fault: format === "remote-write" ? name : `${name} (${format})`,
      injected,
      pusherSaw: Object.entries(sender.ledger.seen).map(([status, n]) => `${status}×${n}`).join(" "),
      ampRequests: writes.length,
      acknowledged: account.acknowledged,
      stored: countStored(stored),
      lost: account.lost,
      refused: sender.ledger.refused.length,
      // Samples AMP took more than once: resent after an acknowledgement was lost (identical, so harmless).
      duplicates: stack.standin!.stats.samplesAccepted - samplesAcceptedBefore - countStored(stored) - (sideAfter - sideBefore),
      seconds: Math.round(elapsedMs / 100) / 10,
    },
  };
}
