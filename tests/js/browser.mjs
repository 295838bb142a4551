// Headless Debian Chromium for the page tests, driven by playwright-core (which never downloads a
// browser: executablePath is always /usr/bin/chromium, or $CHROMIUM).
//
//   const b = await openBrowser({ allowOrigin: 'http://127.0.0.1:8080' });
//   const page = await b.page();   // records console errors, page errors and foreign requests
//   ...; b.assertClean(); await b.close();
//
// A page must be self-contained: every request to another origin than allowOrigin (file: pages
// allow none) is aborted and reported by assertClean(), as is any console error or uncaught
// exception.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export async function openBrowser({ allowOrigin = null } = {}) {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} missing: scripts/install-deps installs Debian's chromium`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1366, height: 900 },  // a laptop screen
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const allowed = (url) => url.startsWith('data:') || url.startsWith('about:') ||
    (allowOrigin === null ? url.startsWith('file:') : new URL(url).origin === allowOrigin);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    problems.push(`request outside the page's origin: ${url}`);
    return route.abort();
  });
  return {
    context,
    async page() {
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return page;
    },
    assertClean() {
      if (problems.length) throw new Error(problems.join('\n'));
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Throws with a readable message unless actual deep-equals expected.
export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}
