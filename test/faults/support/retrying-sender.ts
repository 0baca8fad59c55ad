/**
 * A push client that behaves like Prometheus' remote-write queue and Telegraf's `outputs.http`: batches are sent
 * one at a time, in order (one shard); a 2xx acknowledges the batch; 429, 5xx and network errors keep it at the
 * head of the queue and retry after a backoff (Retry-After when given); any other 4xx drops it — the spec says such
 * a batch will never be accepted — and the sender knows it was refused.
 *
 * It keeps the ledger the fault and load suites count against: which batches were acknowledged, refused or are
 * still held, and every status it saw.
 *
 * Retry-After is honoured but scaled by `retryAfterScale` (and capped): ampgate answers `Retry-After: 5` for AMP
 * outages, and a test run cannot wait 5 s per retry. The order and the decision to retry are what matter here.
 */

export interface SentSample {
  /** Canonical series identity, as `seriesKey` prints it. */
  series: string;
  timestamp: number;
  value: number;
}

export interface PushBatch {
  id: string;
  samples: SentSample[];
  /** The HTTP request for this batch; the same bytes on every retry. */
  request: { url: string; init: RequestInit };
}

export interface SenderOptions {
  /** Backoff ceiling between retries when no Retry-After came. */
  maxBackoffMs?: number;
  /** Multiplier on Retry-After seconds → ms (default 0.05: "5 s" waits 250 ms). */
  retryAfterScale?: number;
  /** Stop retrying a batch after this many attempts; it then stays held. */
  maxAttempts?: number;
}

export interface SenderLedger {
  acknowledged: PushBatch[];
  refused: Array<{ batch: PushBatch; status: number; message: string }>;
  /** Statuses (or network error codes) seen, with counts. */
  seen: Record<string, number>;
  attempts: number;
  /** Retry-After values received on retryable answers, in seconds. */
  retryAfters: number[];
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/** `name{a="1",b="2"}` with labels sorted, the stamped `source` label left out. */
export function seriesKey(labels: Record<string, string>): string {
  const { __name__: name = "", source: _source, ...rest } = labels;
  const body = Object.keys(rest).sort().map((key) => `${key}=${JSON.stringify(rest[key])}`).join(",");
  return `${name}{${body}}`;
}

export class RetryingSender {
  readonly ledger: SenderLedger = { acknowledged: [], refused: [], seen: {}, attempts: 0, retryAfters: [] };
  private readonly queue: PushBatch[] = [];
  private readonly attemptCounts = new Map<string, number>();
  private readonly options: Required<SenderOptions>;

  constructor(options: SenderOptions = {}) {
    this.options = { maxBackoffMs: 200, retryAfterScale: 0.05, maxAttempts: 50, ...options };
  }

  enqueue(batch: PushBatch): void {
    this.queue.push(batch);
  }

  /** Batches not yet acknowledged or refused: what the sender still holds. */
  held(): readonly PushBatch[] {
    return this.queue;
  }

  /** Send everything queued, in order, until the queue is empty or `deadline` (epoch ms) passes. */
  async drain(deadline: number): Promise<void> {
    while (this.queue.length > 0 && Date.now() < deadline) {
      const batch = this.queue[0]!;
      const done = await this.sendOnce(batch, deadline);
      if (done) this.queue.shift();
      else if (this.attemptsOf(batch) >= this.options.maxAttempts) return;
    }
  }

  /**
   * Like `drain`, but for a queue that is still being filled (a scraper producing a batch per interval): keeps
   * sending until `producing()` turns false and the queue is empty, or the deadline passes.
   */
  async run(producing: () => boolean, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.queue.length === 0) {
        if (!producing()) return;
        await this.wait(10, deadline);
        continue;
      }
      await this.drain(deadline);
      if (this.queue.length > 0) return; // gave up on a batch (maxAttempts)
    }
  }

  private attemptsOf(batch: PushBatch): number {
    return this.attemptCounts.get(batch.id) ?? 0;
  }

  /** One attempt; true when the batch left the queue (acknowledged or refused). */
  private async sendOnce(batch: PushBatch, deadline: number): Promise<boolean> {
    const attempt = this.attemptsOf(batch) + 1;
    this.attemptCounts.set(batch.id, attempt);
    this.ledger.attempts += 1;
    let status: number;
    let retryAfter: string | null = null;
    let message = "";
    try {
      const response = await fetch(batch.request.url, { ...batch.request.init, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      message = await response.text();
    } catch (error) {
      const code = ((error as { cause?: { code?: string } }).cause?.code) ?? (error as Error).name;
      this.count(code);
      await this.wait(this.backoff(attempt), deadline);
      return false;
    }
    this.count(String(status));
    if (status >= 200 && status < 300) {
      this.ledger.acknowledged.push(batch);
      return true;
    }
    if (!RETRYABLE(status)) {
      this.ledger.refused.push({ batch, status, message });
      return true;
    }
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    if (seconds !== undefined) this.ledger.retryAfters.push(seconds);
    await this.wait(seconds === undefined ? this.backoff(attempt) : Math.min(seconds * 1000 * this.options.retryAfterScale, 2_000), deadline);
    return false;
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.maxBackoffMs, 10 * 2 ** attempt);
  }

  private count(key: string): void {
    this.ledger.seen[key] = (this.ledger.seen[key] ?? 0) + 1;
  }

  private wait(ms: number, deadline: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, deadline - Date.now()))));
  }
}
