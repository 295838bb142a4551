// The status page of a running `tributary run` in headless Chromium: it loads with no console
// error and no request outside the server, shows the numbers of the known run (--expect, as in
// metrics_check.mjs), the quarantine reasons with their sample line, and the warehouse's top
// lists equal to `tributary report --format json` for the period the page names; its report link
// opens the HTML report. Screenshots are saved.
//
//   node status_page_check.mjs --url http://127.0.0.1:PORT/ --expect expect.json \
//     --tributary BIN --warehouse URI --screenshot status.png --report-screenshot report.png
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openBrowser, expectEqual } from './browser.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' }, expect: { type: 'string' }, tributary: { type: 'string' },
    warehouse: { type: 'string' }, screenshot: { type: 'string' }, 'report-screenshot': { type: 'string' },
  },
});
const expect = JSON.parse(fs.readFileSync(args.expect, 'utf8'));
const sum = (k) => Object.values(expect.per_stream).reduce((a, e) => a + e[k], 0);
const browser = await openBrowser({ allowOrigin: new URL(args.url).origin });
try {
  const page = await browser.page();
  await page.goto(args.url);
  await page.waitForSelector('body[data-loaded=true]', { timeout: 10000 });

  const stage = async (s) => Number(await page.getAttribute(`[data-testid=stage-${s}]`, 'data-count'));
  const shown = async (s) => (await page.textContent(`[data-testid=stage-${s}] .count`)).trim();
  expectEqual(await stage('discovered'), expect.discovered, 'discovered');
  expectEqual(await stage('fetched'), sum('objects'), 'fetched objects');
  expectEqual(await stage('decoded'), sum('lines'), 'decoded lines');
  expectEqual(await stage('quarantined'), expect.quarantined_total, 'quarantined lines');
  expectEqual(await stage('duplicates'), sum('duplicates'), 'duplicates');
  expectEqual(await stage('committed'), sum('new'), 'committed events');
  expectEqual(await shown('committed'), sum('new').toLocaleString('en-US'), 'committed, as displayed');
  expectEqual(await stage('read'), sum('bytes_read'), 'bytes read');
  expectEqual((await page.textContent('[data-testid=pending-objects]')).trim(), '0', 'pending');
  expectEqual((await page.textContent('[data-testid=lag]')).trim(), '0 s', 'lag');

  // Quarantine reasons with their counts and the last rejected line of each.
  const reasons = await page.$$eval('[data-testid=reason]', (rows) => rows.map((r) => ({
    reason: r.dataset.reason, count: Number(r.children[1].textContent.replace(/,/g, '')),
    sample: r.querySelector('code').textContent })));
  for (const [reason, n] of Object.entries(expect.quarantined)) {
    const row = reasons.find((r) => r.reason === reason);
    if (!row) throw new Error(`quarantine reason ${reason} not shown: ${JSON.stringify(reasons)}`);
    expectEqual(row.count, n, `count of ${reason}`);
    expectEqual(row.sample, expect.samples[reason], `sample line of ${reason}`);
  }

  // The throughput chart has drawn this run's lines.
  const bars = await page.$$eval('[data-testid=throughput-chart] rect', (rs) => rs.map((r) => Number(r.getAttribute('height'))));
  if (!(bars.length >= 60 && bars.some((h) => h > 1))) throw new Error(`throughput chart: ${bars.length} bars`);

  // Top lists: the same as `tributary report` over the period the page names.
  const period = (await page.textContent('#period-songs')).match(/\((\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})\)/);
  if (!period) throw new Error('no period on the top lists');
  const report = JSON.parse(execFileSync(args.tributary, ['report', '--warehouse', args.warehouse,
    '--from', period[1], '--to', period[2], '--top', '5', '--format', 'json'], { encoding: 'utf8' }));
  if (report.top_songs.length === 0) throw new Error('the known run has no songs in the page period');
  const songs = await page.$$eval('[data-testid=song]', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  expectEqual(songs, report.top_songs.map((s) => [s.song, s.artist, s.plays.toLocaleString('en-US'),
    s.listeners.toLocaleString('en-US')]), 'top songs');
  const locations = await page.$$eval('[data-testid=location]', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  expectEqual(locations, report.top_locations.map((l) => [`${l.city}, ${l.state}`,
    l.page_views.toLocaleString('en-US'), l.listens.toLocaleString('en-US'), l.listening_hours.toFixed(2),
    l.users.toLocaleString('en-US')]), 'top locations');
  await page.screenshot({ path: args.screenshot, fullPage: true });

  // The chart's scale, on made-up samples rendered by the page's own code (in one evaluation, so
  // the page's refresh cannot interleave): a start-up spike of 3 slots at ten times the steady
  // rate is clipped and marked, and the steady rate fills half the chart instead of a tenth;
  // without a spike nothing is clipped and the highest bar is the chart's top.
  const chart = await page.evaluate(() => {
    const draw = (lines) => {
      renderChart({ slot_ms: 5000, samples: lines.map((n) => ({ lines: n })) });
      const rects = [...document.querySelectorAll('[data-testid=throughput-chart] rect')];
      const peak = document.querySelector('[data-testid=chart-peak]');
      return { heights: rects.map((r) => Number(r.getAttribute('height'))),
        clipped: rects.filter((r) => r.dataset.clipped === 'true').length, peak: peak && peak.textContent };
    };
    const spike = Array.from({ length: 120 }, (_, i) => (i < 100 ? 0 : i < 103 ? 500000 : 50000));
    const steady = Array.from({ length: 120 }, (_, i) => (i < 100 ? 0 : 50000 + 1000 * (i % 3)));
    return { spike: draw(spike), steady: draw(steady) };
  });
  const full = 160 - 18 - 8;
  expectEqual(chart.spike.clipped, 3, 'clipped spike bars');
  if (!(chart.spike.heights[110] >= 0.45 * full)) throw new Error(`steady bar under a spike: ${chart.spike.heights[110]} of ${full}`);
  if (!(chart.spike.peak || '').includes('100,000')) throw new Error(`spike not marked: ${chart.spike.peak}`);
  expectEqual(chart.steady.clipped, 0, 'clipped bars without a spike');
  expectEqual(chart.steady.peak, null, 'peak mark without a spike');
  expectEqual(Math.max(...chart.steady.heights), full, 'highest bar without a spike');

  // The link to the report.
  await page.click('#report-link');
  await page.waitForSelector('#chart-songs');
  const songBars = await page.$$eval('#chart-songs g.bar', (g) => g.length);
  if (songBars === 0) throw new Error('the linked report has no song bars');
  expectEqual(songBars, await page.$$eval('[data-testid=song-row]', (r) => r.length), 'report song bars');
  await page.screenshot({ path: args['report-screenshot'], fullPage: true });
  browser.assertClean();
  console.log(`status page: numbers of the run shown; screenshots ${args.screenshot}, ${args['report-screenshot']}`);
} finally {
  await browser.close();
}
