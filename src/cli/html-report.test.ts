import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest/runner.js';
import { bundledDataPath, loadBars } from '../data/index.js';
import { BarTable } from '../model/bar.js';
import { loadStrategy } from '../strategy/loader.js';
import { renderHtmlReport } from './html-report.js';

const btc1m = (await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'))).table;
const { definition: smaCross } = await loadStrategy('sma-cross');

function embedded(page: string): { charts: Array<{ symbol: string; group: number; candles: number[][]; markers: Array<{ time: number }> }>; equity: number[][]; drawdown: number[][]; trades: unknown[][] } {
  return JSON.parse(/<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(page)![1]!);
}

describe('the HTML report', () => {
  it('merges long series for display while keeping every extreme, and puts each marker on a candle', () => {
    const { report } = runBacktest({ data: [btc1m], strategy: smaCross, params: { fast: 20, slow: 60 } });
    const data = embedded(renderHtmlReport({ report, tables: [btc1m] }));
    const chart = data.charts[0]!;
    expect(chart.group).toBe(3); // 45,031 bars → at most 20,000 candles
    expect(chart.candles).toHaveLength(Math.ceil(btc1m.length / 3));
    const highs = chart.candles.map((c) => c[2]!);
    const lows = chart.candles.map((c) => c[3]!);
    expect(Math.max(...highs)).toBe(Math.max(...btc1m.high));
    expect(Math.min(...lows)).toBe(Math.min(...btc1m.low));
    const times = new Set(chart.candles.map((c) => c[0]));
    expect(chart.markers.length).toBeGreaterThan(0);
    for (const m of chart.markers) expect(times.has(m.time)).toBe(true);
    // Drawdown keeps the deepest point of each group: its minimum is the report's max drawdown.
    expect(Math.min(...data.drawdown.map((d) => d[1]!)) / 100).toBeCloseTo(-report.metrics.maxDrawdown, 10);
    expect(data.equity.at(-1)![1]).toBe(report.metrics.finalEquity);
    expect(data.trades).toHaveLength(report.trades.length);
  });

  it('cannot be broken out of by text in symbols or exit reasons', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const day = 86_400_000;
    const table = BarTable.fromBars(evil, '1d', Array.from({ length: 60 }, (_, i) => {
      const p = 100 + 10 * Math.sin(i / 4);
      return { time: i * day, open: p, high: p + 1, low: p - 1, close: p, volume: 10 };
    }));
    const { report } = runBacktest({ data: [table], strategy: smaCross, params: { fast: 3, slow: 8 } });
    const page = renderHtmlReport({ report, tables: [table] });
    expect(page.split('</script>').length - 1).toBe(3); // the library, the data, the page script
    expect(page).not.toContain('<img src=x');
    expect(embedded(page).charts[0]!.symbol).toBe(evil);
  });
});
