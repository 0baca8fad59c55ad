/** The local stack's `GET /` until the query function serves the chart page there. Loopback only; no secrets. */
export interface StatusPageModel {
  url: string;
  ampEndpoint: string;
  prometheusUrl?: string;
  routes: Array<{ key: string; description: string }>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderStatusPage(model: StatusPageModel): string {
  const rows = model.routes
    .map((r) => `<tr><td><code>${escapeHtml(r.key)}</code></td><td>${escapeHtml(r.description)}</td></tr>`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ampgate (local)</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.2rem .8rem .2rem 0;vertical-align:top}</style>
</head><body><h1>ampgate is running locally</h1>
<p>API: <code>${escapeHtml(model.url)}</code><br>AMP endpoint: <code>${escapeHtml(model.ampEndpoint)}</code>${
    model.prometheusUrl ? `<br>Embedded Prometheus (the AMP stand-in's store): <a href="${escapeHtml(model.prometheusUrl)}">${escapeHtml(model.prometheusUrl)}</a>` : ""}</p>
<h2>Routes</h2><table>${rows}</table></body></html>`;
}
