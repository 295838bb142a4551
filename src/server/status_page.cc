#include "server/status_page.h"

#include <openssl/sha.h>

#include "util/base64.h"

namespace tributary::server {
namespace {

constexpr std::string_view kPage = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tributary status</title>
<style>
:root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#667085; --accent:#2f6fdf; --bad:#c4320a; --line:#e4e7ec; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:baseline; gap:1rem; padding:.8rem 1.2rem; background:#1d2330; color:#fff; }
header h1 { font-size:1.1rem; margin:0; }
header .meta { color:#c9d1e0; font-size:.85rem; }
header a { color:#9cc0ff; margin-left:auto; }
main { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:1rem; padding:1rem 1.2rem; max-width:1400px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8rem 1rem; min-width:0; }
section.wide { grid-column:1 / -1; }
h2 { font-size:.95rem; margin:0 0 .6rem; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.stages { display:flex; flex-wrap:wrap; gap:.5rem; align-items:stretch; }
.stage { flex:1 1 110px; border:1px solid var(--line); border-radius:6px; padding:.5rem .6rem; position:relative; }
.stage .name { color:var(--muted); font-size:.8rem; }
.stage .count { font-size:1.35rem; font-weight:600; font-variant-numeric:tabular-nums; }
.stage .rate { color:var(--muted); font-size:.8rem; font-variant-numeric:tabular-nums; }
.kpis { display:flex; gap:2rem; flex-wrap:wrap; }
.kpi .v { font-size:1.35rem; font-weight:600; font-variant-numeric:tabular-nums; }
.kpi .l { color:var(--muted); font-size:.8rem; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.25rem .4rem; border-bottom:1px solid var(--line); vertical-align:top; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
td div { overflow-wrap:anywhere; color:var(--muted); font-size:.8rem; }
code { font:12px/1.3 ui-monospace, Menlo, Consolas, monospace; word-break:break-all; background:#f2f4f7; padding:1px 3px; border-radius:3px; }
.empty { color:var(--muted); font-style:italic; }
.err { color:var(--bad); }
svg text { font:11px system-ui, sans-serif; fill:var(--muted); }
#state.bad { color:#ffb4a1; }
</style>
</head>
<body>
<header>
  <h1>tributary</h1>
  <span class="meta" id="state">loading…</span>
  <a id="report-link" href="report" hidden>warehouse report</a>
</header>
<main>
  <section class="wide">
    <h2>Pipeline</h2>
    <div class="stages" id="stages" data-testid="stages"></div>
  </section>
  <section>
    <h2>Backlog and freshness</h2>
    <div class="kpis">
      <div class="kpi"><div class="v" data-testid="pending-objects" id="pending">–</div><div class="l">objects pending</div></div>
      <div class="kpi"><div class="v" data-testid="lag" id="lag">–</div><div class="l">lag (oldest pending object, since it landed)</div></div>
      <div class="kpi"><div class="v" id="newest">–</div><div class="l">newest event time (UTC)</div></div>
      <div class="kpi"><div class="v" data-testid="batches" id="batches">–</div><div class="l">batches (<span id="failed">0</span> failed)</div></div>
    </div>
  </section>
  <section>
    <h2>Throughput, lines per second (last 10 minutes)</h2>
    <svg id="chart" data-testid="throughput-chart" viewBox="0 0 440 160" width="100%" role="img" aria-label="throughput chart"></svg>
  </section>
  <section>
    <h2>Top quarantine reasons</h2>
    <table data-testid="quarantine"><thead><tr><th>reason</th><th class="n">lines</th><th>last sample</th></tr></thead><tbody id="quarantine"></tbody></table>
  </section>
  <section>
    <h2>Recent errors</h2>
    <table data-testid="errors"><thead><tr><th>when</th><th>where</th><th>error</th></tr></thead><tbody id="errors"></tbody></table>
  </section>
  <section>
    <h2>Top songs <span id="period-songs"></span></h2>
    <table data-testid="top-songs"><thead><tr><th>song</th><th>artist</th><th class="n">plays</th><th class="n">listeners</th></tr></thead><tbody id="songs"></tbody></table>
  </section>
  <section>
    <h2>Top locations <span id="period-locations"></span></h2>
    <table data-testid="top-locations"><thead><tr><th>location</th><th class="n">page views</th><th class="n">listens</th><th class="n">hours</th><th class="n">users</th></tr></thead><tbody id="locations"></tbody></table>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const fmtInt = (n) => Number(n).toLocaleString("en-US");
function fmtRate(r, unit) {
  if (r === null || r === undefined) return "";
  if (unit === "bytes") return fmtBytes(r) + "/s";
  return (r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(1)) + " " + unit + "/s";
}
function fmtBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(Math.round(n)) : n.toFixed(1)) + " " + units[i];
}
function fmtDuration(s) {
  if (s < 60) return s.toFixed(0) + " s";
  if (s < 3600) return (s / 60).toFixed(1) + " min";
  return (s / 3600).toFixed(1) + " h";
}
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "className") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function fillRows(tbody, rows, columns, emptyText) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    tbody.append(el("tr", {}, el("td", { colspan: columns, className: "empty" }, emptyText)));
  }
  for (const r of rows) tbody.append(r);
}
function renderStages(stages) {
  const box = $("stages");
  box.replaceChildren();
  for (const s of stages) {
    const count = s.unit === "bytes" ? fmtBytes(s.count) : fmtInt(s.count);
    const card = el("div", { className: "stage", "data-testid": "stage-" + s.stage, "data-count": String(s.count) },
      el("div", { className: "name" }, s.stage + " (" + s.unit + ")"),
      el("div", { className: "count" }, count),
      el("div", { className: "rate" }, fmtRate(s.rate_per_s, s.unit)));
    box.append(card);
  }
}
// The chart's top: the highest bar, unless a few bars (a backlog drained at start-up) tower over
// the rest; then about twice the 75th percentile of the non-empty bars, so that the steady rate
// stays visible, and the taller bars are clipped and marked.
function chartScale(values) {
  const nonzero = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (nonzero.length === 0) return 1;
  const max = nonzero[nonzero.length - 1];
  const p75 = nonzero[Math.floor(0.75 * (nonzero.length - 1))];
  return max > 4 * p75 ? 2 * p75 : max;
}
function renderChart(t) {
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  const W = 440, H = 160, L = 40, B = 18, T = 8;
  const perSecond = t.samples.map((s) => s.lines / (t.slot_ms / 1000));
  const max = chartScale(perSecond);
  const bw = (W - L) / perSecond.length;
  svg.replaceChildren();
  const add = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  for (const f of [0, 0.5, 1]) {
    const y = T + (H - B - T) * (1 - f);
    add("line", { x1: L, x2: W, y1: y, y2: y, stroke: "#e4e7ec" });
    add("text", { x: L - 4, y: y + 4, "text-anchor": "end" }, fmtInt(Math.round(max * f)));
  }
  let peak = 0;
  perSecond.forEach((v, i) => {
    const clipped = v > max;
    const h = (H - B - T) * (Math.min(v, max) / max);
    const bar = add("rect", { x: L + i * bw, y: H - B - h, width: Math.max(1, bw - 1), height: h,
      fill: clipped ? "#e8590c" : "#2f6fdf", "data-clipped": String(clipped), "data-value": String(v) });
    bar.append(Object.assign(document.createElementNS(ns, "title"), { textContent: fmtInt(Math.round(v)) + " lines/s" }));
    if (clipped) {
      peak = Math.max(peak, v);
      const x = L + i * bw + Math.max(1, bw - 1) / 2;
      add("path", { d: `M${x - 3},${T + 5} L${x},${T} L${x + 3},${T + 5} Z`, fill: "#e8590c" });
    }
  });
  if (peak > 0) {
    add("text", { x: W, y: T + 10, "text-anchor": "end", fill: "#e8590c", "data-testid": "chart-peak" },
      "\u25B2 clipped, peak " + fmtInt(Math.round(peak)) + " lines/s");
  }
  add("text", { x: L, y: H - 4 }, "-10 min");
  add("text", { x: W, y: H - 4, "text-anchor": "end" }, "now");
}
function renderWarehouse(w) {
  const songs = $("songs"), locations = $("locations");
  if (w === null) {
    fillRows(songs, [], 4, "no warehouse configured");
    fillRows(locations, [], 5, "no warehouse configured");
    return;
  }
  if (w.error) {
    fillRows(songs, [], 4, "warehouse: " + w.error);
    fillRows(locations, [], 5, "warehouse: " + w.error);
    return;
  }
  const period = "(" + w.from + " to " + w.to + ")";
  $("period-songs").textContent = period;
  $("period-locations").textContent = period;
  fillRows(songs, w.top_songs.map((s) => el("tr", { "data-testid": "song" },
    el("td", {}, s.song), el("td", {}, s.artist), el("td", { className: "n" }, fmtInt(s.plays)),
    el("td", { className: "n" }, fmtInt(s.listeners)))), 4, "no listens yet");
  fillRows(locations, w.top_locations.map((l) => el("tr", { "data-testid": "location" },
    el("td", {}, l.city + ", " + l.state), el("td", { className: "n" }, fmtInt(l.page_views)),
    el("td", { className: "n" }, fmtInt(l.listens)), el("td", { className: "n" }, l.listening_hours.toFixed(2)),
    el("td", { className: "n" }, fmtInt(l.users)))), 5, "no events yet");
}
function render(s) {
  renderStages(s.stages);
  $("pending").textContent = fmtInt(s.backlog.pending_objects);
  $("lag").textContent = fmtDuration(s.backlog.lag_seconds);
  $("newest").textContent = s.backlog.newest_event_ms > 0
    ? new Date(s.backlog.newest_event_ms).toISOString().replace("T", " ").slice(0, 19) : "–";
  $("batches").textContent = fmtInt(s.totals.batches);
  $("failed").textContent = fmtInt(s.totals.failed_batches);
  renderChart(s.throughput);
  fillRows($("quarantine"), s.quarantine.map((q) => el("tr", { "data-testid": "reason", "data-reason": q.reason },
    el("td", {}, q.reason), el("td", { className: "n" }, fmtInt(q.count)),
    el("td", {}, el("div", {}, q.where), el("code", {}, q.sample)))), 3, "nothing quarantined");
  fillRows($("errors"), s.errors.map((e) => el("tr", {},
    el("td", {}, new Date(e.at_ms).toISOString().slice(11, 19)), el("td", {}, e.where),
    el("td", { className: "err" }, e.message))), 3, "no errors");
  renderWarehouse(s.warehouse);
  const link = $("report-link");
  if (s.report_link) { link.href = s.report_link; link.hidden = false; } else { link.hidden = true; }
  const up = (s.now_ms - s.started_ms) / 1000;
  $("state").className = "meta";
  $("state").textContent = "up " + fmtDuration(up) + " · updated " + new Date(s.now_ms).toISOString().slice(11, 19) + " UTC";
  document.body.dataset.loaded = "true";
}
async function refresh() {
  try {
    const r = await fetch("status.json", { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(await r.json());
  } catch (e) {
    $("state").className = "meta bad";
    $("state").textContent = "cannot reach tributary (" + e.message + "); retrying";
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)PAGE";

}  // namespace

std::string_view status_page_html() {
  return kPage;
}

const std::string& status_page_csp() {
  static const std::string policy = [] {
    // The hash covers the script element's text exactly as served (the page has one).
    constexpr std::string_view kOpen = "<script>", kClose = "</script>";
    const std::size_t from = kPage.find(kOpen) + kOpen.size();
    const std::string_view script = kPage.substr(from, kPage.find(kClose, from) - from);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(script.data()), script.size(), digest);
    const std::string hash =
        util::base64(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    return "default-src 'none'; script-src 'sha256-" + hash +
           "'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'";
  }();
  return policy;
}

}  // namespace tributary::server
