/**
 * What the fault proxy can do to one HTTP exchange, and the named faults our suites inject — as data, so a test
 * table, the load run and a reader all see the same list.
 *
 * "Before forward" faults never reach the upstream: nothing is stored, the client must resend. "After forward"
 * faults reach the upstream first — AMP has stored the batch — and then lose the answer on the way back: the
 * client cannot tell the two apart, so it resends data that is already stored (the duplicate case).
 */

export type ProxyFault =
  /** Answer this instead of the upstream; with `afterForward`, the upstream got (and stored) the request first. */
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: string; afterForward?: boolean }
  /**
   * TCP reset (RST, `socket.resetAndDestroy`): `before-forward` once the request head arrived; `mid-request` after
   * about half the request body arrived; `after-forward` once the upstream answered (the answer is lost);
   * `mid-response` after the status line, headers and half the upstream's body were sent.
   */
  | { kind: "reset"; when: "before-forward" | "mid-request" | "after-forward" | "mid-response" }
  /** Never answer (the client's timeout must end it); with `afterForward`, the upstream got the request first. */
  | { kind: "stall"; afterForward?: boolean }
  /** Forward, then send the upstream's whole response — status line included — `bytesPerTick` bytes every `tickMs`. */
  | { kind: "drip"; tickMs: number; bytesPerTick?: number }
  /** Hold the request `ms` before forwarding it. */
  | { kind: "delay"; ms: number };

export type FaultKind = ProxyFault["kind"];

export interface NamedFault {
  fault: ProxyFault;
  /** One line: what a real deployment would see that looks like this. */
  what: string;
}

/**
 * AMP's failures as the workspace answers them (texts from reference §4.6; the 403 JSON is the AWS auth error
 * shape the stand-in's verifier also produces). The timings assume the writer's 10 s per-attempt timeout.
 */
export const AMP_FAULTS = {
  "500": { what: "AMP internal error", fault: { kind: "respond", status: 500, headers: { "content-type": "application/json" }, body: '{"message":"Internal Server Error"}' } },
  "502": { what: "AWS front end lost its backend", fault: { kind: "respond", status: 502, headers: { "content-type": "application/json" }, body: '{"message":"Bad Gateway"}' } },
  "503": { what: "AMP unavailable", fault: { kind: "respond", status: 503, headers: { "content-type": "application/json" }, body: '{"message":"Service Unavailable"}' } },
  "429": { what: "ingestion rate throttle, no Retry-After", fault: { kind: "respond", status: 429, body: "ingestion rate limit (6666.666666666667) exceeded while adding 499 samples and 0 metadata" } },
  "429+retry-after": { what: "request-rate throttle with Retry-After: 1", fault: { kind: "respond", status: 429, headers: { "retry-after": "1", "content-type": "application/json" }, body: '{"message":"Rate exceeded"}' } },
  "400 out-of-order": { what: "AMP refuses a sample older than the series' newest", fault: { kind: "respond", status: 400, body: 'user=000000000000_ws-local: err: out of order sample. timestamp=2026-01-01T00:00:00Z, series={__name__="injected"}\n' } },
  "413": { what: "AMP's 1 MB request quota", fault: { kind: "respond", status: 413, headers: { "content-type": "application/json", "x-amzn-errortype": "ValidationException" }, body: '{"message":"Request size exceeds the limit of 1048576 bytes"}' } },
  "403 signature": { what: "signature or IAM refusal", fault: { kind: "respond", status: 403, headers: { "content-type": "application/json", "x-amzn-errortype": "InvalidSignatureException" }, body: '{"message":"The request signature we calculated does not match the signature you provided."}' } },
  "reset mid-request": { what: "connection reset while the body is uploading", fault: { kind: "reset", when: "mid-request" } },
  "reset before answer": { what: "connection reset before AMP saw the request", fault: { kind: "reset", when: "before-forward" } },
  "reset after store": { what: "AMP stored the batch, the answer is lost to a reset", fault: { kind: "reset", when: "after-forward" } },
  "reset mid-response": { what: "AMP stored the batch, the answer is cut off half-way", fault: { kind: "reset", when: "mid-response" } },
  "503 after store": { what: "AMP stored the batch but answered 503", fault: { kind: "respond", status: 503, body: "Service Unavailable", afterForward: true } },
  "stall": { what: "no answer at all, past the attempt timeout", fault: { kind: "stall" } },
  "stall after store": { what: "AMP stored the batch, then never answered", fault: { kind: "stall", afterForward: true } },
  "slow drip": { what: "the answer trickles in a byte every 2 s, past the attempt timeout", fault: { kind: "drip", tickMs: 2_000, bytesPerTick: 1 } },
  "slow but in time": { what: "the answer trickles in, but completes within the attempt timeout", fault: { kind: "drip", tickMs: 5, bytesPerTick: 8 } },
} as const satisfies Record<string, NamedFault>;

export type AmpFaultName = keyof typeof AMP_FAULTS;

/**
 * The SwitchBot Cloud's gateway-level failures (reference switchbot-api-v1.1 §2.2: plain HTTP errors without the
 * `statusCode` envelope) and transport failures. Envelope-level failures (161 offline, 190 quota) are the
 * simulator's own faults (local/switchbot-simulator/faults.ts).
 */
export const SWITCHBOT_FAULTS = {
  "500": { what: "SwitchBot internal error", fault: { kind: "respond", status: 500, headers: { "content-type": "application/json" }, body: '{"message":"Internal server error"}' } },
  "502": { what: "SwitchBot's gateway lost its backend", fault: { kind: "respond", status: 502, headers: { "content-type": "application/json" }, body: '{"message":"Bad Gateway"}' } },
  "503": { what: "SwitchBot unavailable", fault: { kind: "respond", status: 503, headers: { "content-type": "application/json" }, body: '{"message":"Service Unavailable"}' } },
  "429": { what: "SwitchBot's gateway throttle", fault: { kind: "respond", status: 429, headers: { "content-type": "application/json" }, body: '{"message":"Too Many Requests"}' } },
  "429+retry-after": { what: "throttle with Retry-After: 1", fault: { kind: "respond", status: 429, headers: { "retry-after": "1", "content-type": "application/json" }, body: '{"message":"Too Many Requests"}' } },
  "reset": { what: "connection reset before an answer", fault: { kind: "reset", when: "before-forward" } },
  "reset mid-response": { what: "answer cut off half-way", fault: { kind: "reset", when: "mid-response" } },
  "stall": { what: "no answer, past the client timeout", fault: { kind: "stall" } },
  "slow drip": { what: "the answer trickles in past the client timeout", fault: { kind: "drip", tickMs: 1_000, bytesPerTick: 1 } },
  "html error page": { what: "a proxy's HTML error page instead of JSON", fault: { kind: "respond", status: 200, headers: { "content-type": "text/html" }, body: "<html><body>upstream error</body></html>" } },
} as const satisfies Record<string, NamedFault>;

export type SwitchbotFaultName = keyof typeof SWITCHBOT_FAULTS;
