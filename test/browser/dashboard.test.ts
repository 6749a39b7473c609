/**
 * The dashboard in a real browser: Debian's chromium (driven by playwright-core) loads the
 * dashboard from a real Arbiter server on 127.0.0.1 — the bundled BTC/USDT 1h bars replayed into
 * a paper session, SQLite storage — with the session token in the URL, as `npm start` prints it.
 * It checks what a user sees (candles drawn on the canvas, a decision with its votes, the equity
 * curve), that live bars arrive over /ws, that the kill switch halts trading (and the API says
 * so), that API errors are shown, and that a backtest runs to its report. Screenshots go to
 * test-results/screenshots/.
 *
 * Without chromium the suite is skipped with one line; with CI=true a missing chromium fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { candlesResponse } from '../../src/api/schemas/market.js';
import type { accountResponse, equityResponse, fillsResponse } from '../../src/api/schemas/portfolio.js';
import type { decisionsResponse } from '../../src/api/schemas/decisions.js';
import type { riskResponse } from '../../src/api/schemas/risk.js';
import { buildDashboard } from './build.js';
import { findChromium, inCi, launchChromium, type LaunchedBrowser } from './chromium.js';
import { collectErrors, colours, countCanvasPixels, numericAttribute, screenshot } from './page-kit.js';
import { startBrowserTestServer, type BrowserTestServer } from './server.js';

// Response shapes from the API's own schemas (the contract the dashboard is built against).
type Fills = z.infer<typeof fillsResponse>;
type Candles = z.infer<typeof candlesResponse>;
type Equity = z.infer<typeof equityResponse>;
type Account = z.infer<typeof accountResponse>;
type Risk = z.infer<typeof riskResponse>;
type Decisions = z.infer<typeof decisionsResponse>;

const chromiumPath = findChromium();
const skip = chromiumPath === undefined && !inCi;
if (skip) console.log('browser tests skipped: chromium not found (apt-get install chromium, or set CHROMIUM_PATH)');

// One user's visit in order (the suite opts out of the shuffled order: later steps build on earlier ones).
describe.skipIf(skip)('dashboard in chromium against a real server', { shuffle: false }, () => {
  let server: BrowserTestServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  let distDir: string;

  const poll = { timeout: 15_000, interval: 100 };
  const chartSelector = '[data-testid="candle-chart"]';
  const candles = (): Promise<number> => numericAttribute(page, chartSelector, 'data-candles');

  /** The API as a script sees it, with the same session token. */
  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(response.status, `GET ${path}`).toBe(200);
    return (await response.json()) as T;
  };
  const show = async (route: string): Promise<void> => {
    await page.goto(`${server.url}/#/${route}`);
  };

  beforeAll(async () => {
    if (chromiumPath === undefined) throw new Error('CI is set but chromium is missing: .ci/run installs it with apt-get install chromium');
    distDir = mkdtempSync(join(tmpdir(), 'arbiter-dashboard-'));
    await buildDashboard(distDir);
    server = await startBrowserTestServer({ dashboardDir: distDir, warmBars: 300 });
    browser = await launchChromium(chromiumPath);
    page = await browser.context.newPage();
    errors = collectErrors(page);
    await page.goto(`${server.url}/#token=${server.token}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('takes the session token from the URL, keeps it out of the address bar and uses it', async () => {
    await page.getByTestId('token-button').filter({ hasText: 'admin' }).waitFor();
    expect(page.url()).not.toContain(server.token);
    expect(await page.evaluate('localStorage.getItem("arbiter.token")')).toBe(server.token);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
  });

  it('draws the replayed candles with indicators and buy/sell markers from the fills', async () => {
    await show('live');
    const chart = page.getByTestId('candle-chart');
    await expect.poll(() => candles(), poll).toBeGreaterThanOrEqual(300);
    const fills = (await apiGet<Fills>('/api/v1/fills?symbol=BTC/USDT&limit=500')).fills;
    expect(fills.length).toBeGreaterThan(0);
    await expect.poll(() => numericAttribute(page, chartSelector, 'data-markers'), poll).toBe(fills.length);
    expect(Number(await chart.getAttribute('data-overlays'))).toBe(3); // ema 20, ema 50, rsi 14
    await page.waitForTimeout(300); // one animation frame after the data: the canvas is painted
    const green = await countCanvasPixels(page, '[data-testid="candle-chart"]', [colours.up]);
    const red = await countCanvasPixels(page, '[data-testid="candle-chart"]', [colours.down]);
    expect(green, 'rising candles drawn').toBeGreaterThan(500);
    expect(red, 'falling candles drawn').toBeGreaterThan(500);
    const lastClose = (await apiGet<Candles>('/api/v1/candles?symbol=BTC/USDT&limit=1')).candles[0]!.close;
    await expect.poll(() => page.getByTestId('last-close').textContent(), poll).toContain(lastClose.toLocaleString('en-US', { maximumFractionDigits: 2 }));
    await screenshot(page, 'live-chart');
  });

  it('appends new bars as the server streams them over /ws', async () => {
    await show('live');
    await expect.poll(() => candles(), poll).toBeGreaterThanOrEqual(300);
    const before = await candles();
    expect(server.step(5)).toBe(5);
    await expect.poll(() => candles(), poll).toBe(before + 5);
  });

  it('lists the decisions with every head\'s vote, weight, confidence and reasoning', async () => {
    await server.scalping.flush(); // decisions of the bars stepped above are written asynchronously
    const stored = (await apiGet<Decisions>('/api/v1/decisions?limit=20')).decisions;
    expect(stored.length).toBeGreaterThan(0);
    const newest = stored[0]!;
    expect(newest.votes.length).toBeGreaterThan(1);
    await show('decisions');
    const cards = page.getByTestId('decision');
    await cards.first().waitFor();
    await expect.poll(() => cards.count(), poll).toBe(stored.length);
    const open = cards.first();
    expect(await open.getAttribute('open')).not.toBeNull();
    expect(await open.locator('summary').textContent()).toContain(newest.action.toUpperCase());
    if (newest.reasoning) expect(await open.locator('.reasoning').first().textContent()).toBe(newest.reasoning);
    const rows = open.getByTestId('votes-table').locator('tbody tr');
    expect(await rows.count()).toBe(newest.votes.length);
    const shown = await rows.allTextContents();
    for (const vote of newest.votes) {
      const row = shown.find((text) => text.startsWith(vote.head));
      expect(row, `row of head ${vote.head}`).toBeDefined();
      expect(row).toContain(vote.weight.toFixed(3));
      expect(row).toContain(`${(vote.confidence * 100).toFixed(0)}%`);
      expect(row).toContain(vote.error ?? vote.reason ?? '—');
    }
    await screenshot(page, 'decisions');
  });

  it('draws the equity curve and its drawdown from the session', async () => {
    await show('portfolio');
    const equity = await apiGet<Equity>('/api/v1/equity');
    expect(equity.points.length).toBeGreaterThan(100);
    await expect.poll(() => numericAttribute(page, '[data-testid="equity-chart"]', 'data-points'), poll).toBeGreaterThan(100);
    await page.waitForTimeout(300);
    expect(await countCanvasPixels(page, '[data-testid="equity-chart"]', [colours.accent]), 'equity line drawn').toBeGreaterThan(300);
    expect(await countCanvasPixels(page, '[data-testid="drawdown-chart"]', [colours.down]), 'drawdown drawn').toBeGreaterThan(300);
    const account = await apiGet<Account>('/api/v1/account');
    await expect.poll(() => page.getByTestId('equity').textContent(), poll).toContain(Math.trunc(account.equity / 1000).toString());
    expect(await page.getByTestId('fills-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'portfolio');
  });

  it('shows the API\'s message when it refuses a threshold', async () => {
    await show('risk');
    const field = page.getByTestId('threshold-limits.priceBand');
    await field.fill('5'); // a band is a fraction ≤ 1
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    const alert = page.getByTestId('api-error').filter({ hasText: 'priceBand' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^400: /);
    expect((await apiGet<Risk>('/api/v1/risk')).limits).toMatchObject({ priceBand: null });
    await page.getByRole('button', { name: 'Discard changes' }).click();
    errors.splice(0, errors.length, ...errors.filter((e) => !/status of 400/.test(e)));
  });

  it('halts trading with the kill switch after confirmation, and the API reports it', async () => {
    await show('risk');
    await page.getByTestId('trading-state').filter({ hasText: 'ACTIVE' }).first().waitFor();
    await page.getByTestId('kill-switch').click();
    const dialog = page.getByRole('dialog', { name: 'Halt all trading?' });
    await dialog.waitFor();
    await page.getByTestId('state-reason').fill('browser test kill switch');
    await screenshot(page, 'kill-switch-confirm', { fullPage: false });
    await dialog.getByTestId('confirm-button').click();
    await page.getByTestId('state-outcome').filter({ hasText: 'HALTED' }).waitFor();
    await expect.poll(async () => (await page.getByTestId('trading-state').allTextContents()).every((t) => t === 'HALTED'), poll).toBe(true);

    const risk = await apiGet<Risk>('/api/v1/risk');
    expect(risk.state).toBe('HALTED');
    expect(risk.manual_state).toBe('HALTED');
    expect(risk.last_change).toMatchObject({ from: 'ACTIVE', to: 'HALTED', reason: 'browser test kill switch' });
    expect(server.session.kernel.risk.snapshot().state).toBe('HALTED');
    await screenshot(page, 'risk-halted');
  });

  it('resumes trading with an admin token after confirmation', async () => {
    await show('risk');
    await page.getByTestId('resume').click();
    const dialog = page.getByRole('dialog', { name: 'Resume trading?' });
    await dialog.getByTestId('confirm-button').click();
    await page.getByTestId('state-outcome').filter({ hasText: 'ACTIVE' }).waitFor();
    expect((await apiGet<Risk>('/api/v1/risk')).state).toBe('ACTIVE');
  });

  it('works from the keyboard: the kill-switch dialog opens with Enter and Escape backs out of it', async () => {
    await show('risk');
    const killSwitch = page.getByTestId('kill-switch');
    await killSwitch.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Halt all trading?' });
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement?.closest("dialog") !== null')).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('kill-switch');
    expect((await apiGet<Risk>('/api/v1/risk')).state).toBe('ACTIVE');
  });

  it('runs a backtest from the form to its report with equity, drawdown and trades', async () => {
    await show('backtests');
    await page.getByLabel('Strategy', { exact: true }).selectOption('ema-cross');
    await expect.poll(() => page.getByLabel('Data set').inputValue(), poll).toBe('bundled:BTC_USDT-1h.csv');
    await page.getByTestId('start-backtest').click();
    await expect.poll(() => page.url(), poll).toMatch(/#\/backtests\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await page.getByTestId('report-metrics').waitFor({ timeout: 60_000 });
    const report = await apiGet<{ trades: unknown[]; equity: unknown[] }>(`/api/v1/backtests/${encodeURIComponent(id)}/report`);
    expect(report.trades.length).toBeGreaterThan(0);
    await expect.poll(() => numericAttribute(page, '[data-testid="report-equity-chart"]', 'data-points'), poll).toBe(report.equity.length);
    await page.waitForTimeout(300);
    expect(await countCanvasPixels(page, '[data-testid="report-equity-chart"]', [colours.accent]), 'report equity drawn').toBeGreaterThan(300);
    expect(await countCanvasPixels(page, '[data-testid="report-drawdown-chart"]', [colours.down]), 'report drawdown drawn').toBeGreaterThan(100);
    expect(await page.getByTestId('report-trades').locator('tbody tr').count()).toBe(Math.min(25, report.trades.length));
    await expect.poll(() => page.getByTestId('backtest-progress').getAttribute('value'), poll).toBe('1');
    await screenshot(page, 'backtest-report');
  });

  it('shows the server\'s components, feed and request figures', async () => {
    await show('system');
    await page.getByTestId('components-table').waitFor();
    expect(await page.getByTestId('components-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByTestId('feed-state').filter({ hasText: 'running' }).waitFor();
    await screenshot(page, 'system');
  });

  it('reported no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
