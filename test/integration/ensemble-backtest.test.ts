/**
 * `--strategy ensemble` on real bundled data: the heads vote, the consensus learns during the
 * walk-forward fit period, the strategy trades only after it (through the risk engine), and the
 * report carries `heads[]` (id, signals, hitRate, pnlContribution, finalWeight), `decisions` by
 * action, and the ensemble section (split, weight evolution, attribution, comparison with each
 * head alone and buy-and-hold on the out-of-sample bars). The CLI prints the head table.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { reportToJson, type BacktestReport } from '../../src/backtest/report.js';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { loadStrategy, strategyParams } from '../../src/strategy/loader.js';
import { tempDir } from '../kit/tmp.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/arbiter.js', import.meta.url));
const tmp = tempDir('arbiter-ensemble-');
afterAll(() => tmp.remove());

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const { definition } = await loadStrategy('ensemble');
const HOUR = 3_600_000;

function backtest(params: Record<string, unknown> = {}): BacktestReport {
  return runBacktest({ data: [btc], strategy: definition, params, sim: { fees: { maker: 0.001, taker: 0.001 } } }).report;
}

describe('the ensemble backtest on BTC/USDT 1h (January 2025)', () => {
  const report = backtest();

  it('reports each head: id, signals, hit rate, P&L contribution, final weight', () => {
    expect(report.heads!.map((h) => h.id)).toEqual(['technical', 'orderflow', 'rules', 'ml']);
    for (const h of report.heads!) {
      expect(Object.keys(h)).toEqual(expect.arrayContaining(['id', 'signals', 'hitRate', 'pnlContribution', 'finalWeight']));
      expect(h.signals).toBeGreaterThan(0);
      expect(h.hitRate).toBeGreaterThanOrEqual(0);
      expect(h.hitRate).toBeLessThanOrEqual(1);
      expect(Number.isFinite(h.pnlContribution)).toBe(true);
      expect(h.finalWeight).toBeGreaterThan(0);
    }
    expect(report.heads!.reduce((s, h) => s + h.finalWeight, 0)).toBeCloseTo(1, 9);
  });

  it('counts decisions by action, one per bar after the warm-up and fit period', () => {
    const d = report.decisions!;
    expect(Object.keys(d).sort()).toEqual(['buy', 'close', 'hold', 'sell']);
    const wf = report.ensemble!.walkForward;
    expect(d.buy! + d.sell! + d.close! + d.hold!).toBe(wf.evaluationBars);
    expect(d.buy).toBeGreaterThan(0);
    expect(report.metrics.tradeCount).toBeGreaterThan(0);
  });

  it('trades only after the fit period, and the split is recorded', () => {
    const wf = report.ensemble!.walkForward;
    expect(wf.fitBars).toBe(250);
    expect(wf.evaluationStart).toBe(wf.fitEnd);
    expect(wf.evaluationEnd).toBe(btc.time[btc.length - 1]! + HOUR);
    for (const t of report.trades) expect(t.entryTime).toBeGreaterThanOrEqual(wf.fitEnd!);
    for (const o of report.orders) expect(o.createdAt).toBeGreaterThanOrEqual(wf.fitEnd!);
    const fit = report.ensemble!.fits.find((f) => f.head === 'ml')!;
    expect(fit.fitted).toBe(true);
    expect(fit.detail.trainRows).toBeGreaterThan(100);
  });

  it('attributes every trade opened by a decision to the heads that voted for it', () => {
    const a = report.ensemble!.attribution;
    const total = report.trades.reduce((s, t) => s + t.pnl, 0);
    expect(a.trades).toBe(report.trades.length);
    expect(a.attributedPnl + a.unattributedPnl).toBeCloseTo(total, 9);
    expect(report.heads!.reduce((s, h) => s + h.pnlContribution, 0)).toBeCloseTo(a.attributedPnl, 9);
    for (const t of report.trades) expect(t.entryTag).toMatch(/^D-\d+$/);
  });

  it('shows how the weights evolved', () => {
    const w = report.ensemble!.weights;
    expect(w.heads).toEqual(['technical', 'orderflow', 'rules', 'ml']);
    expect(w.updates).toBeGreaterThan(500);
    expect(w.points.length).toBeGreaterThan(50);
    expect(w.points.length).toBeLessThanOrEqual(101);
    for (const p of w.points) expect(p.slice(1).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    const last = w.points[w.points.length - 1]!;
    expect(last.slice(1)).toEqual(report.heads!.map((h) => h.finalWeight));
  });

  it('compares the ensemble with each head alone and buy-and-hold on the same out-of-sample bars', () => {
    const c = report.ensemble!.comparison;
    expect(c.rows.map((r) => r.name)).toEqual(['ensemble', 'technical', 'orderflow', 'rules', 'ml', 'buy-and-hold']);
    const wf = report.ensemble!.walkForward;
    expect(c.bars).toBe(wf.evaluationBars - 1);
    // Buy and hold over the evaluation bars: first close to last close, one entry fee.
    const first = btc.time.indexOf(wf.evaluationStart! - HOUR);
    const bh = c.rows.at(-1)!;
    expect(bh.totalReturn).toBeCloseTo((btc.close[btc.length - 1]! / btc.close[first]!) * (1 - c.fee) - 1, 2);
    expect(bh.exposure).toBe(1);
    expect(c.ensembleEngine!.totalReturn).toBeCloseTo(report.metrics.finalEquity / c.ensembleEngine!.startEquity - 1, 12);
  });

  it('is deterministic: the same run gives the same JSON', () => {
    expect(reportToJson(backtest())).toBe(reportToJson(report));
  });

  it('other strategies’ reports do not change shape', async () => {
    const { definition: sma } = await loadStrategy('sma-cross');
    const plain = runBacktest({ data: [btc], strategy: sma }).report;
    expect(Object.keys(plain)).toEqual(['version', 'strategy', 'data', 'config', 'metrics', 'trades', 'orders', 'equity', 'warnings']);
  });

  it('runs in quorum mode with the seeds’ thresholds (and trades less, or not at all)', () => {
    const quorum = backtest({ mode: 'quorum', quorum: 3, minConfidence: 0.7, targetConfidence: 0.85 });
    expect(quorum.ensemble!.mode).toBe('quorum');
    expect(quorum.decisions!.buy).toBeLessThanOrEqual(report.decisions!.buy!);
  });

  it('rejects a rule that does not parse when the parameters are read, with its column', () => {
    expect(() => strategyParams(definition, ['rules=[{"when":"close > sma_20 and","direction":"long"}]'])).toThrow(/ensemble\.params\.rules\.0\.when: .*at column 19/);
  });
});

describe('arbiter backtest --strategy ensemble', () => {
  it('prints the head table and writes heads[] and decisions to the JSON report', async () => {
    const out = tmp.file('ensemble.json');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'backtest', '--data', 'data/bundled/BTC_USDT-1h.csv', '--strategy', 'ensemble', '--json', out], { cwd: repo, env: { ...process.env, NO_COLOR: '1' } });
    for (const label of ['Head', 'Signals', 'Hit rate', 'P&L attributed', 'Final weight', 'technical', 'orderflow', 'rules', 'ml', 'Decisions: buy', 'Out of sample:', 'buy-and-hold', 'technical alone']) expect(stdout).toContain(label);
    const json = JSON.parse(readFileSync(out, 'utf8')) as BacktestReport;
    expect(json.heads!.map((h) => h.id)).toEqual(['technical', 'orderflow', 'rules', 'ml']);
    expect(json.decisions).toEqual(expect.objectContaining({ buy: expect.any(Number), hold: expect.any(Number) }));
    expect(json.metrics).toBeDefined();
    expect(json.trades.length).toBe(json.metrics.tradeCount);
  });

  it('a bad rule is one line on stderr naming the parameter and column', async () => {
    const result = await promisify(execFile)(process.execPath, [bin, 'backtest', '--data', 'data/bundled/BTC_USDT-1h.csv', '--strategy', 'ensemble', '--param', 'rules=[{"when":"rsi_14 <> 30","direction":"long"}]'], { cwd: repo }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    const stderr = (result as { stderr: string }).stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^error: ensemble\.params\.rules\.0\.when: "<>" is not part of the rule language \(write "!="\) at column 8/);
  });
});
