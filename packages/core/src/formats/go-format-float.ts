/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest decimal that round-trips, never in exponent form —
 * how the OTel Collector writes histogram `le` and summary `quantile` label values (`0.005`, `1000000`,
 * `0.0000001`). JavaScript's `String()` agrees except that it switches to exponents below 1e-6 and from 1e21.
 * Infinities are written as Prometheus writes them (`+Inf`, `-Inf`).
 */
export function formatFloatPlain(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  const shortest = String(value);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!exponent) return shortest;
  const [, sign, lead, fraction = "", power] = exponent;
  const digits = lead! + fraction;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
