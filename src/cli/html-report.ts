/**
 * A standalone HTML report of a backtest: candles with entry and exit markers, the equity curve,
 * the drawdown, the metrics and the trade list, drawn with TradingView's Lightweight Charts
 * (Apache-2.0), whose standalone build is inlined so that the file opens offline and can be
 * mailed or archived as one file.
 *
 * Long series are thinned for display only (the report's numbers are not touched): candles are
 * merged k at a time into one candle, the equity keeps the last value of each group and the
 * drawdown its deepest value, so that the picture keeps its extremes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BacktestReport } from '../backtest/report.js';
import type { BarTable } from '../model/bar.js';
import { duration, money, num, pct, utc } from './format.js';
import { runHeadline, tradesByExitReason } from './summary.js';

/** At most this many candles, equity points and markers per chart. */
const MAX_POINTS = 20_000;
/** At most this many rows in the trade list (the JSON report has them all). */
const MAX_TRADE_ROWS = 5_000;

let chartLibrary: string | undefined;

function lightweightCharts(): string {
  if (chartLibrary === undefined) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('lightweight-charts/package.json'));
    chartLibrary = readFileSync(join(root, 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
  }
  return chartLibrary;
}

/** JSON safe to place inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Index of the last element of sorted `times` that is <= t (0 when t is before all). */
function indexAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const sec = (ms: number): number => Math.floor(ms / 1000);

interface SymbolChart {
  readonly symbol: string;
  /** Bars merged per candle. */
  readonly group: number;
  readonly candles: number[][];
  readonly markers: Array<{ time: number; position: string; color: string; shape: string; text: string }>;
}

function symbolChart(table: BarTable, report: BacktestReport): SymbolChart {
  const n = table.length;
  const group = Math.max(1, Math.ceil(n / MAX_POINTS));
  const candles: number[][] = [];
  for (let i = 0; i < n; i += group) {
    const end = Math.min(n, i + group);
    let high = -Infinity;
    let low = Infinity;
    for (let j = i; j < end; j++) {
      if (table.high[j]! > high) high = table.high[j]!;
      if (table.low[j]! < low) low = table.low[j]!;
    }
    candles.push([sec(table.time[i]!), table.open[i]!, high, low, table.close[end - 1]!]);
  }
  const candleTime = (t: number): number => sec(table.time[Math.floor(indexAtOrBefore(table.time, t) / group) * group]!);
  const markers: SymbolChart['markers'] = [];
  const trades = report.trades.filter((t) => t.symbol === table.symbol);
  // Markers beyond the limit would only be an unreadable smear; the latest trades are kept. Exit
  // reasons are written next to the markers only while they stay readable.
  const labelled = trades.length <= 100;
  for (const t of trades.slice(-MAX_POINTS / 2)) {
    const long = t.side === 'long';
    markers.push({ time: candleTime(t.entryTime), position: long ? 'belowBar' : 'aboveBar', color: long ? '#16a34a' : '#dc2626', shape: long ? 'arrowUp' : 'arrowDown', text: long ? 'L' : 'S' });
    markers.push({ time: candleTime(t.exitTime), position: long ? 'aboveBar' : 'belowBar', color: t.pnl >= 0 ? '#2563eb' : '#9333ea', shape: 'circle', text: labelled && t.exitReason !== 'exit_signal' ? t.exitReason : '' });
  }
  markers.sort((a, b) => a.time - b.time);
  return { symbol: table.symbol, group, candles, markers };
}

function equitySeries(report: BacktestReport): { equity: number[][]; drawdown: number[][] } {
  const points = report.equity;
  const group = Math.max(1, Math.ceil(points.length / MAX_POINTS));
  const equity: number[][] = [];
  const drawdown: number[][] = [];
  let peak = -Infinity;
  for (let i = 0; i < points.length; i += group) {
    const end = Math.min(points.length, i + group);
    let deepest = 0;
    for (let j = i; j < end; j++) {
      const e = points[j]![1];
      if (e > peak) peak = e;
      const dd = peak > 0 ? e / peak - 1 : 0;
      if (dd < deepest) deepest = dd;
    }
    const t = sec(points[i]![0]);
    equity.push([t, points[end - 1]![1]]);
    drawdown.push([t, deepest * 100]);
  }
  return { equity, drawdown };
}

function metricRows(report: BacktestReport): Array<[string, string]> {
  const m = report.metrics;
  return [
    ['Final equity', money(m.finalEquity)], ['Total return', pct(m.totalReturn)], ['Buy & hold', pct(m.buyAndHoldReturn)],
    ['CAGR', pct(m.cagr)], ['Volatility', pct(m.volatility)], ['Sharpe', num(m.sharpe)], ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)], ['Max drawdown', pct(-m.maxDrawdown)], ['Max DD duration', duration(m.maxDrawdownDuration)],
    ['Exposure', pct(m.exposure, 1)], ['Trades', String(m.tradeCount)], ['Win rate', pct(m.winRate, 1)],
    ['Profit factor', num(m.profitFactor)], ['Expectancy', pct(m.expectancy)], ['SQN', num(m.sqn)], ['Kelly', num(m.kelly)],
    ['Best trade', pct(m.bestTrade)], ['Worst trade', pct(m.worstTrade)], ['Avg duration', duration(m.avgTradeDuration)], ['Fees', money(m.totalFees)],
  ];
}

export interface HtmlReportInput {
  readonly report: BacktestReport;
  /** The bars the run used (for the candles). */
  readonly tables: readonly BarTable[];
  /** Extra warnings to show (e.g. what the data loader repaired). */
  readonly warnings?: readonly string[];
}

/**
 * The report as one self-contained HTML page (no network access needed to open it).
 * @example writeFileSync('report.html', renderHtmlReport({ report, tables: [table] }));
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { report, tables } = input;
  const charts = tables.map((t) => symbolChart(t, report));
  const { equity, drawdown } = equitySeries(report);
  const shown = report.trades.slice(0, MAX_TRADE_ROWS);
  const trades = shown.map((t) => [t.symbol, t.side, utc(t.entryTime), t.entryPrice, utc(t.exitTime), t.exitPrice, t.quantity, t.pnl, t.returnPct * 100, t.fees, t.exitReason, t.bars]);
  const warnings = [...(input.warnings ?? []), ...report.warnings];
  if (report.trades.length > shown.length) warnings.push(`the trade list shows the first ${shown.length} of ${report.trades.length} trades; the JSON report has all of them`);
  for (const c of charts) if (c.group > 1) warnings.push(`${c.symbol}: the chart merges ${c.group} bars per candle to stay responsive`);
  const data = { charts, equity, drawdown, trades, startEquity: report.metrics.startEquity };
  const metrics = metricRows(report).map(([k, v]) => `<div class="metric"><span>${escapeHtml(k)}</span><b>${escapeHtml(v)}</b></div>`).join('');
  const reasons = tradesByExitReason(report)
    .map((r) => `<tr><td>${escapeHtml(r.reason)}</td><td>${r.trades}</td><td>${pct(r.wins / r.trades, 1)}</td><td>${pct(r.avgReturn)}</td><td>${money(r.pnl)}</td></tr>`).join('');
  const title = `${report.strategy.name} · ${report.data.symbols.join(', ')} ${report.data.timeframe}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Arbiter backtest</title>
<style>
  :root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  header { padding: 16px 24px; border-bottom: 1px solid var(--line); }
  h1 { font-size: 18px; margin: 0 0 4px; }
  h2 { font-size: 15px; margin: 24px 0 8px; }
  .sub { color: var(--muted); }
  main { padding: 0 24px 32px; max-width: 1400px; margin: 0 auto; }
  .metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; margin-top: 16px; }
  .metric { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; }
  .metric span { color: var(--muted); font-size: 12px; }
  .metric b { font-size: 16px; font-variant-numeric: tabular-nums; }
  .chart { height: 420px; border: 1px solid var(--line); border-radius: 6px; }
  .chart.small { height: 220px; }
  .chart.tiny { height: 160px; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th:first-child, td:first-child, td.l, th.l { text-align: left; }
  th { position: sticky; top: 0; background: var(--bg); cursor: pointer; }
  .scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
  .win { color: #15803d; } .loss { color: #b91c1c; }
  .warn { background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 8px 12px; margin-top: 12px; }
  select { font: inherit; margin-left: 8px; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <div class="sub">${escapeHtml(runHeadline(report))} · convention ${escapeHtml(report.config.convention)} · cash ${money(report.config.cash)} · times in UTC</div>
</header>
<main>
  ${warnings.length > 0 ? `<div class="warn">${warnings.map((w) => `<div>⚠ ${escapeHtml(w)}</div>`).join('')}</div>` : ''}
  <div class="metrics">${metrics}</div>
  <h2>Price and trades ${charts.length > 1 ? `<select id="symbol">${charts.map((c, i) => `<option value="${i}">${escapeHtml(c.symbol)}</option>`).join('')}</select>` : ''}</h2>
  <div id="price" class="chart"></div>
  <h2>Equity</h2>
  <div id="equity" class="chart small"></div>
  <h2>Drawdown (%)</h2>
  <div id="drawdown" class="chart tiny"></div>
  ${reasons ? `<h2>Trades by exit reason</h2><div class="scroll"><table><thead><tr><th>Exit reason</th><th>Trades</th><th>Win rate</th><th>Avg return</th><th>Total PnL</th></tr></thead><tbody>${reasons}</tbody></table></div>` : ''}
  <h2>Trades (${report.trades.length})</h2>
  <div class="scroll"><table id="trades"><thead><tr>
    <th class="l">Symbol</th><th class="l">Side</th><th class="l">Entry time</th><th>Entry price</th><th class="l">Exit time</th><th>Exit price</th>
    <th>Quantity</th><th>PnL</th><th>Return %</th><th>Fees</th><th class="l">Exit reason</th><th>Bars</th>
  </tr></thead><tbody></tbody></table></div>
</main>
<script>${lightweightCharts()}</script>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var LWC = window.LightweightCharts;
  var base = { autoSize: true, layout: { background: { color: '#ffffff' }, textColor: '#374151' },
    grid: { vertLines: { color: '#f3f4f6' }, horzLines: { color: '#f3f4f6' } },
    timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.01 }, rightPriceScale: { borderColor: '#e5e7eb', minimumWidth: 90 } };
  var price = LWC.createChart(document.getElementById('price'), base);
  var candles = price.addSeries(LWC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', borderVisible: false, wickUpColor: '#16a34a', wickDownColor: '#dc2626' });
  var markers = LWC.createSeriesMarkers(candles, []);
  function showSymbol(i) {
    var c = data.charts[i];
    candles.setData(c.candles.map(function (r) { return { time: r[0], open: r[1], high: r[2], low: r[3], close: r[4] }; }));
    markers.setMarkers(c.markers);
    price.timeScale().fitContent();
  }
  showSymbol(0);
  var select = document.getElementById('symbol');
  if (select) select.addEventListener('change', function () { showSymbol(Number(select.value)); });

  var eqChart = LWC.createChart(document.getElementById('equity'), base);
  var eq = eqChart.addSeries(LWC.BaselineSeries, { baseValue: { type: 'price', price: data.startEquity },
    topLineColor: '#16a34a', topFillColor1: 'rgba(22,163,74,0.25)', topFillColor2: 'rgba(22,163,74,0.02)',
    bottomLineColor: '#dc2626', bottomFillColor1: 'rgba(220,38,38,0.02)', bottomFillColor2: 'rgba(220,38,38,0.25)' });
  eq.setData(data.equity.map(function (r) { return { time: r[0], value: r[1] }; }));
  eqChart.timeScale().fitContent();

  var ddChart = LWC.createChart(document.getElementById('drawdown'), base);
  var dd = ddChart.addSeries(LWC.AreaSeries, { lineColor: '#dc2626', topColor: 'rgba(220,38,38,0.05)', bottomColor: 'rgba(220,38,38,0.35)', invertFilledArea: true,
    priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(1) + '%'; } } });
  dd.setData(data.drawdown.map(function (r) { return { time: r[0], value: r[1] }; }));
  ddChart.timeScale().fitContent();

  // Scrolling or zooming one chart moves the others to the same time range.
  var charts = [price, eqChart, ddChart];
  var syncing = false;
  charts.forEach(function (source) {
    source.timeScale().subscribeVisibleTimeRangeChange(function (range) {
      if (syncing || !range) return;
      syncing = true;
      charts.forEach(function (target) { if (target !== source) { try { target.timeScale().setVisibleRange(range); } catch (e) { /* outside the other chart's data */ } } });
      syncing = false;
    });
  });

  var body = document.querySelector('#trades tbody');
  function esc(x) { return String(x).replace(/&/g, '&amp;').replace(/</g, '&lt;'); }
  function fmt(x, d) { return Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }); }
  function fmtPrice(x) { var a = Math.abs(x); return a >= 1000 ? fmt(x, 2) : a >= 1 ? fmt(x, 4) : Number(x).toPrecision(5); }
  function render(rows) {
    body.innerHTML = rows.map(function (t) {
      var cls = t[7] >= 0 ? 'win' : 'loss';
      return '<tr><td>' + esc(t[0]) + '</td><td class="l">' + esc(t[1]) + '</td><td class="l">' + t[2] + '</td><td>' + fmtPrice(t[3]) + '</td><td class="l">' + t[4] + '</td><td>' +
        fmtPrice(t[5]) + '</td><td>' + Number(t[6]).toPrecision(6) + '</td><td class="' + cls + '">' + fmt(t[7], 2) + '</td><td class="' + cls + '">' + fmt(t[8], 2) +
        '</td><td>' + fmt(t[9], 2) + '</td><td class="l">' + esc(t[10]) + '</td><td>' + t[11] + '</td></tr>';
    }).join('');
  }
  render(data.trades);
  var order = {};
  document.querySelectorAll('#trades th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      order[col] = !order[col];
      var dir = order[col] ? 1 : -1;
      render(data.trades.slice().sort(function (a, b) { return (a[col] > b[col] ? 1 : a[col] < b[col] ? -1 : 0) * dir; }));
    });
  });
})();
</script>
</body>
</html>
`;
}
