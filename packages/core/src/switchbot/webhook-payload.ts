/**
 * Strict validation of a SwitchBot webhook delivery (reference §6.2). Deliveries are unsigned (§6.3), so the
 * shape is the only thing that tells a real delivery from junk:
 *
 *   {"eventType":"changeReport","eventVersion":"1",
 *    "context":{"deviceType":"WoMeter","deviceMac":"C271111EC0AB","temperature":22.5,"scale":"CELSIUS",
 *               "humidity":31,"battery":100,"timeOfSample":1690598778031}}
 *
 * - `eventType` must be "changeReport" and `eventVersion` "1" (Home Assistant rejects anything else too);
 * - `deviceMac` is 12 hex digits (= the deviceId); `timeOfSample` is epoch milliseconds when present (the
 *   Plug Mini (EU) example has none; then the time of receipt is used);
 * - every other context field is a scalar or a flat object of scalars (Humidifier2's `filterElement`), at most
 *   64 of them, strings at most 64 characters: a changeReport carries a handful of short fields.
 */
import * as v from "valibot";

const scalar = v.union([v.number(), v.pipe(v.string(), v.maxLength(64)), v.boolean(), v.null()]);
const flatObject = v.pipe(v.record(v.pipe(v.string(), v.maxLength(64)), scalar), v.maxEntries(16));

const context = v.pipe(
  v.objectWithRest(
    {
      deviceMac: v.pipe(v.string(), v.regex(/^[0-9A-Fa-f]{12}$/, "must be 12 hex digits")),
      deviceType: v.optional(v.pipe(v.string(), v.maxLength(64))),
      timeOfSample: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1e12, "must be epoch milliseconds"))),
    },
    v.union([scalar, flatObject]),
  ),
  v.check((value) => Object.keys(value).length <= 64, "has more than 64 fields"),
);

const delivery = v.strictObject({
  eventType: v.literal("changeReport"),
  eventVersion: v.literal("1"),
  context,
});

export type WebhookDelivery = v.InferOutput<typeof delivery>;

export type ParsedDelivery = { ok: true; delivery: WebhookDelivery } | { ok: false; problem: string };

/** Validates parsed JSON; on failure, one line naming the field and the rule. */
export function parseWebhookDelivery(json: unknown): ParsedDelivery {
  const result = v.safeParse(delivery, json, { abortEarly: true });
  if (result.success) return { ok: true, delivery: result.output };
  const issue = result.issues[0];
  return { ok: false, problem: `${v.getDotPath(issue) || "body"}: ${issue.message}` };
}
