/**
 * Counting what landed: every raw sample the AMP stand-in holds for a selector (read back through its SigV4 query
 * API, as Grafana would through AMP), compared with what senders were told was accepted.
 *
 *   const stored = await storedSamples(stack.standin!.workspaceUrl, '{__name__=~"fault_.+"}');
 *   const account = accountFor(sender.ledger.acknowledged.flatMap((b) => b.samples), stored);
 *   expect(account.lost).toBe(0);
 */
import { ampQueryApi } from "../../support/amp-query";
import { seriesKey, type SentSample } from "./retrying-sender";

/** series key → timestamp (ms) → value */
export type StoredSamples = Map<string, Map<number, number>>;

/**
 * All raw samples of the series matching `selector` in the last `window`, via an instant query of a range vector
 * (`selector[window]`), which returns every stored sample with its exact timestamp.
 */
export async function storedSamples(workspaceUrl: string, selector: string, window = "2h"): Promise<StoredSamples> {
  const result = await ampQueryApi(workspaceUrl)<{ metric: Record<string, string>; values: Array<[number, string]> }>(
    "/api/v1/query",
    { query: `${selector}[${window}]`, time: String((Date.now() + 60_000) / 1000) },
    30_000,
  );
  const stored: StoredSamples = new Map();
  for (const series of result) {
    const samples = new Map<number, number>();
    for (const [seconds, value] of series.values) samples.set(Math.round(seconds * 1000), Number(value));
    stored.set(seriesKey(series.metric), samples);
  }
  return stored;
}

export interface SampleAccount {
  /** Distinct samples senders were told were accepted. */
  acknowledged: number;
  /** Acknowledged samples found with the value that was sent. */
  found: number;
  /** Acknowledged samples missing from the store: must be 0. */
  lost: number;
  /** Acknowledged samples stored with another value: must be 0. */
  wrongValue: number;
  /** Samples in the store that no sender had acknowledged (e.g. stored, then the answer was lost). */
  storedNotAcknowledged: number;
  /** Samples acknowledged more than once (a sender resent a batch whose acknowledgement it never saw). */
  acknowledgedTwice: number;
  /** The first few problems, for the failure message. */
  examples: string[];
}

export function accountFor(acknowledged: readonly SentSample[], stored: StoredSamples): SampleAccount {
  const account: SampleAccount = { acknowledged: 0, found: 0, lost: 0, wrongValue: 0, storedNotAcknowledged: 0, acknowledgedTwice: 0, examples: [] };
  const seen = new Set<string>();
  for (const sample of acknowledged) {
    const id = `${sample.series}@${sample.timestamp}`;
    if (seen.has(id)) {
      account.acknowledgedTwice += 1;
      continue;
    }
    seen.add(id);
    account.acknowledged += 1;
    const value = stored.get(sample.series)?.get(sample.timestamp);
    if (value === undefined) {
      account.lost += 1;
      if (account.examples.length < 5) account.examples.push(`lost ${id} = ${sample.value}`);
    } else if (!Object.is(value, sample.value)) {
      account.wrongValue += 1;
      if (account.examples.length < 5) account.examples.push(`${id}: sent ${sample.value}, stored ${value}`);
    } else {
      account.found += 1;
    }
  }
  for (const [series, samples] of stored) {
    for (const timestamp of samples.keys()) if (!seen.has(`${series}@${timestamp}`)) account.storedNotAcknowledged += 1;
  }
  return account;
}

/** Number of samples in a StoredSamples map. */
export function countStored(stored: StoredSamples): number {
  let n = 0;
  for (const samples of stored.values()) n += samples.size;
  return n;
}
