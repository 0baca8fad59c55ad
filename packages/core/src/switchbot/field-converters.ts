/**
 * How a raw SwitchBot JSON value becomes a number in the metric's base unit. The device table names one of these
 * per field; a converter returns `undefined` when the value is absent or not understood (no sample is written).
 *
 * They see the whole record (status body or webhook context) because two quirks need a neighbour field:
 * the webhook's `scale` for Fahrenheit (reference §6.2), and Plug Mini current scale detection (§4.3).
 */

export type RawRecord = Readonly<Record<string, unknown>>;

export interface ConvertContext {
  record: RawRecord;
  /** Report an implausible value that was dropped or rescaled (`switchbot_unit_anomalies_total{kind}`). */
  anomaly(kind: string, detail: string): void;
}

export type Converter = (value: unknown, context: ConvertContext) => number | undefined;

function finite(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  // Some fields are documented as strings (Curtain `slidePosition`, §4.2): accept plain decimal strings only.
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export const number: Converter = (value) => finite(value);

export const scaled = (factor: number): Converter => (value) => {
  const n = finite(value);
  return n === undefined ? undefined : n * factor;
};

/** Status is always Celsius; a webhook context may say `scale: "FAHRENHEIT"` (§6.2, Assumption). */
export const celsius: Converter = (value, { record }) => {
  const n = finite(value);
  if (n === undefined) return undefined;
  return typeof record.scale === "string" && record.scale.toUpperCase() === "FAHRENHEIT" ? ((n - 32) * 5) / 9 : n;
};

/**
 * Named states → 0/1 (or another number). Strings are compared case-insensitively because the same state is
 * spelled `on`/`ON`, `DETECTED`, `unlocked` vs `unlock` across endpoints and firmware (§4.2, SBA#509).
 * Booleans and 0/1 numbers pass through.
 */
export const states = (table: Readonly<Record<string, number>>): Converter => {
  const lower = new Map(Object.entries(table).map(([key, value]) => [key.toLowerCase(), value]));
  return (value) => {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return value === 0 || value === 1 ? value : undefined;
    if (typeof value === "string") return lower.get(value.trim().toLowerCase());
    return undefined;
  };
};

export const onOff = states({ on: 1, off: 0 });
export const detection = states({ detected: 1, not_detected: 0 });
export const bright = states({ bright: 1, dim: 0 });
export const online = states({ online: 1, offline: 0 });
export const charging = states({ charging: 1, uncharged: 0 });
export const contactOpen = states({ open: 1, close: 0, closed: 0, timeOutNotClose: 1 });
export const contactTimeout = states({ open: 0, close: 0, closed: 0, timeOutNotClose: 1 });
export const locked = states({ lock: 1, locked: 1, latchBoltLocked: 1, unlock: 0, unlocked: 0, jammed: 0 });
export const jammed = states({ lock: 0, locked: 0, latchBoltLocked: 0, unlock: 0, unlocked: 0, jammed: 1 });
export const doorOpen = states({ open: 1, opened: 1, close: 0, closed: 0 });

/**
 * Load current in amperes from a value documented as mA (PR #417, HA, AdyRock#241) that older firmware/cloud
 * versions sent in units of 0.1 A (SBA#119, #163, #203, #274). Plausibility check from §4.3: apparent power
 * V × I can never be below active power (power factor ≤ 1); if the mA reading gives less than a fifth of the
 * active power while the load draws over 5 W, the value is in 0.1 A units and is rescaled.
 */
export const currentAmperes = (fields: { voltage: string; power: string }): Converter => (value, context) => {
  const raw = finite(value);
  if (raw === undefined) return undefined;
  const amperes = raw / 1000;
  const voltage = finite(context.record[fields.voltage]);
  const watts = finite(context.record[fields.power]);
  if (voltage !== undefined && watts !== undefined && watts > 5 && voltage > 0 && voltage * amperes < 0.2 * watts) {
    context.anomaly("legacy_current_scale", `${fields.power}=${watts} W but ${voltage} V x ${amperes} A; read as 0.1 A units`);
    return raw / 10;
  }
  return amperes;
};
