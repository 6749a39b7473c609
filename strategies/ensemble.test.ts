import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../src/data/index.js';
import { loadStrategy, strategyParams } from '../src/strategy/loader.js';
import { tempDir } from '../test/kit/tmp.js';

const { definition } = await loadStrategy('ensemble');
const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const news = fileURLToPath(new URL('../test/fixtures/news/btc-replay.json', import.meta.url));
const dir = tempDir('arbiter-ensemble-strategy-');
afterAll(() => dir.remove());

describe('the ensemble strategy', () => {
  it('has defaults for every parameter and checks them', () => {
    expect(strategyParams(definition, [])).toMatchObject({ heads: ['technical', 'orderflow', 'rules', 'ml'], mode: 'weighted', fitBars: 250 });
    expect(() => strategyParams(definition, ['heads=["technical","astrology"]'])).toThrow(/ensemble\.params\.heads\.1/);
    expect(() => strategyParams(definition, ['minConfidence=0.8', 'targetConfidence=0.7'])).toThrow('ensemble.params.targetConfidence: targetConfidence must be at least minConfidence');
    expect(() => strategyParams(definition, ['heads=["sentiment"]'])).toThrow('ensemble.params.newsFile: the sentiment head needs a news file');
    expect(() => strategyParams(definition, ['heads=["tradingview"]'])).toThrow('ensemble.params.alertsFile: the tradingview head needs an alerts file');
  });

  it('runs the sentiment and TradingView heads from recorded files', () => {
    const alerts = dir.file('alerts.json');
    const t = (h: number) => new Date(btc.time[0]! + h * 3_600_000).toISOString();
    writeFileSync(alerts, JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ ticker: 'BINANCE:BTCUSDT', action: i % 2 === 0 ? 'buy' : 'sell', strategy: 'tv', receivedAt: t(20 + i * 15) }))));
    const params = strategyParams(definition, ['heads=["technical","sentiment","tradingview"]', `newsFile=${news}`, `alertsFile=${alerts}`, 'fitBars=50']);
    const { report } = runBacktest({ data: [btc], strategy: definition, params });
    const heads = Object.fromEntries(report.heads!.map((h) => [h.id, h]));
    expect(Object.keys(heads)).toEqual(['technical', 'sentiment', 'tradingview']);
    expect(heads.tradingview!.signals).toBeGreaterThan(10);
    // The news arrives from 2025-01-06 10:00:05 to 2025-01-08 15:00 and counts for 24 h: the head can
    // speak on at most the 77 hourly closes from 2025-01-06 11:00 to 2025-01-09 15:00.
    expect(heads.sentiment!.signals).toBeGreaterThan(0);
    expect(heads.sentiment!.signals).toBeLessThanOrEqual(77);
    expect(report.ensemble!.walkForward.fitBars).toBe(50);
  });

  it('trades several symbols, deciding for each on its own bars', async () => {
    const xrp = (await loadBars(bundledDataPath('XRP_USDT_USDT-5m-futures.feather'))).table;
    const eth = (await loadBars(bundledDataPath('ETH_BTC-5m.feather'))).table.slice(0, 2000);
    const { report } = runBacktest({ data: [xrp, eth], strategy: definition, params: { fitBars: 200, heads: ['technical', 'orderflow', 'rules'] } });
    expect(report.data.symbols).toEqual(['XRP/USDT:USDT', 'ETH/BTC']);
    const d = report.decisions!;
    expect(d.buy! + d.sell! + d.close! + d.hold!).toBeGreaterThan(2 * 1500);
    expect(new Set(report.trades.map((t) => t.symbol)).size).toBeGreaterThanOrEqual(1);
    expect(report.heads!.reduce((s, h) => s + h.finalWeight, 0)).toBeCloseTo(1, 9);
  });
});
