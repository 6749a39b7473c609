/**
 * Regenerates the screenshots in docs/images/ (docs/dashboard.md): the same real server and
 * chromium as the browser tests, a 1280×800 viewport, one PNG per page.
 *
 *   node bin/run-ts.js test/browser/capture-docs.ts
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDashboard } from './build.js';
import { findChromium, launchChromium } from './chromium.js';
import { startBrowserTestServer } from './server.js';

const out = join(process.cwd(), 'docs', 'images');
const chromium = findChromium();
if (!chromium) throw new Error('chromium not found (apt-get install chromium, or set CHROMIUM_PATH)');
const dist = mkdtempSync(join(tmpdir(), 'arbiter-dashboard-'));
await buildDashboard(dist);
const server = await startBrowserTestServer({ dashboardDir: dist, warmBars: 420 });
const browser = await launchChromium(chromium, { width: 1280, height: 800 });
try {
  mkdirSync(out, { recursive: true });
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  const started = await fetch(`${server.url}/api/v1/backtests`, { method: 'POST', headers, body: JSON.stringify({ strategy: 'ema-cross', data: ['BTC_USDT-1h.csv'] }) });
  const job = (await started.json()) as { id?: string; message?: string };
  if (!job.id) throw new Error(`could not start a backtest: ${job.message ?? started.status}`);
  for (let i = 0; i < 100; i++) {
    const status = (await (await fetch(`${server.url}/api/v1/backtests/${job.id}`, { headers })).json()) as { status: string };
    if (status.status !== 'queued' && status.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/#token=${server.token}`);
  for (const [route, name] of [['live', 'live'], ['decisions', 'decisions'], ['portfolio', 'portfolio'], ['risk', 'risk'], [`backtests/${job.id}`, 'backtests'], ['system', 'system']] as const) {
    await page.goto(`${server.url}/#/${route}`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(out, `dashboard-${name}.png`) });
    console.log(`docs/images/dashboard-${name}.png`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dist, { recursive: true, force: true });
}
