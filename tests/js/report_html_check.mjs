// The HTML report (`tributary report --format html`) in headless Chromium: it renders with no
// console error and no request outside the file, its numbers equal the JSON report's
// (`--format json`, same options), its charts and map are drawn; a full-page screenshot is saved.
//
//   node report_html_check.mjs --html report.html --json report.json --screenshot out.png
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openBrowser, expectEqual } from './browser.mjs';

const { values: args } = parseArgs({
  options: { html: { type: 'string' }, json: { type: 'string' }, screenshot: { type: 'string' } },
});
const report = JSON.parse(fs.readFileSync(args.json, 'utf8'));
const browser = await openBrowser();
try {
  const page = await browser.page();
  await page.goto(pathToFileURL(args.html).href);

  const period = await page.getAttribute('[data-testid=period]', 'data-from') + '/' +
    await page.getAttribute('[data-testid=period]', 'data-to');
  expectEqual(period, `${report.from}/${report.to}`, 'period');

  // Every table cell's exact value, row by row, against the JSON.
  const cells = (testid) => page.$$eval(`[data-testid=${testid}]`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.dataset.value ?? td.textContent)));
  expectEqual(await cells('location-row'), report.top_locations.map((l) => [l.city, l.state,
    String(l.page_views), String(l.listens), String(l.listening_hours), String(l.users),
    String(l.sessions)]), 'top_locations table');
  expectEqual(await cells('song-row'), report.top_songs.map((s) => [s.song, s.artist,
    String(s.plays), String(s.listeners)]), 'top_songs table');
  expectEqual(await cells('user-row'), report.user_listening.map((u) => [String(u.user_id),
    u.first_name ?? '', u.last_name ?? '', String(u.plays), String(u.hours)]), 'user_listening table');

  // The bars: one per row, exact values, drawn with a visible width.
  const bars = (id) => page.$$eval(`#${id} g.bar`, (gs) => gs.map((g) => ({
    value: Number(g.dataset.value), width: g.querySelector('rect').getBBox().width })));
  for (const [id, expected] of [
    ['chart-locations', report.top_locations.map((l) => l.page_views)],
    ['chart-songs', report.top_songs.map((s) => s.plays)],
    ['chart-users', report.user_listening.map((u) => u.hours)]]) {
    const drawn = await bars(id);
    expectEqual(drawn.map((b) => b.value), expected, `${id} values`);
    if (drawn.some((b) => !(b.width >= 1))) throw new Error(`${id}: a bar is not drawn`);
    // Longest bar for the largest value.
    const widest = drawn.reduce((m, b) => (b.width > m.width ? b : m), drawn[0]);
    if (widest && widest.value !== Math.max(...expected)) throw new Error(`${id}: bars not to scale`);
  }

  // The map: one dot per located top location, area growing with usage.
  const dots = await page.$$eval('#location-map g.dot', (gs) => gs.map((g) => ({
    label: g.dataset.label, usage: Number(g.dataset.usage), r: Number(g.querySelector('circle').getAttribute('r')) })));
  if (report.top_locations.length > 0 && dots.length === 0) throw new Error('map has no dots');
  for (const d of dots) {
    const l = report.top_locations.find((x) => `${x.city}, ${x.state}` === d.label);
    if (!l) throw new Error(`map dot ${d.label} is not a top location`);
    expectEqual(d.usage, l.page_views + l.listens, `usage of ${d.label}`);
  }
  const sorted = [...dots].sort((a, b) => a.usage - b.usage);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].r < sorted[i - 1].r) throw new Error('dot sizes do not follow usage');
  }

  // Labels as the browser lays them out: none overlaps another or leaves the map, and the
  // busiest place is labelled.
  const labels = await page.$$eval('#location-map g.dot text', (ts) => ts.map((t) => {
    const b = t.getBBox();
    return { text: t.textContent, x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
  }));
  const frame = await page.$eval('#location-map', (svg) => svg.viewBox.baseVal);
  for (const [i, a] of labels.entries()) {
    if (a.x0 < 0 || a.y0 < 0 || a.x1 > frame.width || a.y1 > frame.height) throw new Error(`label ${a.text} leaves the map`);
    for (const b of labels.slice(i + 1)) {
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) throw new Error(`labels overlap: ${a.text}, ${b.text}`);
    }
  }
  if (dots.length > 0 && labels.length === 0) throw new Error('no label on the map');
  // The states' borders are drawn under the dots.
  const borders = await page.$eval('#location-map', (svg) => {
    const path = svg.querySelector('[data-testid=state-borders]');
    return path ? path.getAttribute('d').split('M').length - 1 : 0;
  });
  if (dots.length > 0 && borders < 10) throw new Error(`state borders: ${borders} lines`);

  await page.screenshot({ path: args.screenshot, fullPage: true });
  browser.assertClean();
  console.log(`report html: ${report.top_locations.length} locations, ${report.top_songs.length} songs, ` +
    `${report.user_listening.length} users, ${dots.length} dots, ${labels.length} labels; screenshot ${args.screenshot}`);
} finally {
  await browser.close();
}
