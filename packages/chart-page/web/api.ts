/** Calls to the query API with the reader's token, from wherever the page is served (with or without a stage). */

export class TokenRefused extends Error {}

export interface Matrix {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The directory the page was served from: `/` locally, `/prod/` behind a named API Gateway stage. */
export function apiBase(pathname: string): string {
  return pathname.endsWith("/") ? pathname : `${pathname}/`;
}

export class QueryApi {
  constructor(private readonly token: string, private readonly base = apiBase(location.pathname)) {}

  private async call<T>(path: string, params: Record<string, string>, method: "GET" | "POST" = "GET"): Promise<T> {
    const form = new URLSearchParams(params);
    const response = await fetch(method === "GET" ? `${this.base}${path}?${form}` : `${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(method === "POST" ? { body: form } : {}),
      cache: "no-store",
    });
    const body = (await response.json().catch(() => undefined)) as { status?: string; error?: string } | undefined;
    if (response.status === 401) throw new TokenRefused(body?.error ?? "the token was refused");
    if (!response.ok || body?.status === "error") throw new Error(`${path}: ${body?.error ?? `HTTP ${response.status}`}`);
    return body as T;
  }

  async rangeQuery(query: string, startS: number, endS: number, stepS: number): Promise<Matrix[]> {
    const body = await this.call<{ data: { result: Matrix[] } }>("api/v1/query_range",
      { query, start: String(startS), end: String(endS), step: String(stepS) }, "POST");
    return body.data.result;
  }

  async instantQuery(query: string): Promise<VectorSample[]> {
    const body = await this.call<{ data: { result: VectorSample[] } }>("api/v1/query", { query }, "POST");
    return body.data.result;
  }

  devices(): Promise<{ rows: DeviceRow[] }> {
    return this.call("json/devices", {});
  }

  energy(fromMs: number, toMs: number): Promise<EnergyAnswer> {
    return this.call("json/energy", { from: String(fromMs), to: String(toMs), period: "day" });
  }

  whoAmI(): Promise<{ data: { token: string; restricted: boolean } }> {
    return this.call("json", {});
  }
}

export interface DeviceRow {
  device_id: string;
  device_name: string;
  device_type: string;
}

export interface EnergyAnswer {
  tariff: { configured: boolean; currency: string; timezone: string; bands: Array<{ name: string; pricePerKwh: number }> };
  rows: Array<{ period: string; start: number; device_id: string; device_name: string; kwh: number; cost: number }>;
  totals: Array<{ device_id: string; device_name: string; kwh: number; cost: number }>;
}
