/**
 * The terminal summary of a run: what was run, the headline metrics side by side, trades grouped
 * by exit reason, and the warnings. Plain text tables (no colour codes) so that it reads the same
 * in a terminal, a CI log and a file.
 */
import Table from 'cli-table3';
import type { BacktestReport } from '../backtest/report.js';
import { duration, money, num, pct, utc } from './format.js';

const PLAIN = { head: [] as string[], border: [] as string[], compact: true };

function table(options: ConstructorParameters<typeof Table>[0]): InstanceType<typeof Table> {
  return new Table({ style: PLAIN, ...options });
}

/** One line describing the run: strategy, params, data. */
export function runHeadline(report: BacktestReport): string {
  const params = JSON.stringify(report.strategy.params);
  const d = report.data;
  return `${report.strategy.name} ${params === '{}' ? '' : `${params} `}on ${d.symbols.join(', ')} ${d.timeframe}, ${d.bars} bars, ${utc(d.start)} → ${utc(d.end)}`;
}

/** The headline metrics as a two-pair-per-row table. */
export function metricsTable(report: BacktestReport): string {
  const m = report.metrics;
  const rows: Array<[string, string]> = [
    ['Start equity', money(m.startEquity)],
    ['Final equity', money(m.finalEquity)],
    ['Total return', pct(m.totalReturn)],
    ['Buy & hold return', pct(m.buyAndHoldReturn)],
    ['CAGR', pct(m.cagr)],
    ['Volatility (ann.)', pct(m.volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['Max drawdown', pct(-m.maxDrawdown)],
    ['Max DD duration', duration(m.maxDrawdownDuration)],
    ['Exposure', pct(m.exposure, 1)],
    ['Trades', String(m.tradeCount)],
    ['Win rate', pct(m.winRate, 1)],
    ['Profit factor', num(m.profitFactor)],
    ['Expectancy', pct(m.expectancy)],
    ['SQN', num(m.sqn)],
    ['Kelly', num(m.kelly)],
    ['Avg trade', pct(m.avgTrade)],
    ['Best / worst trade', `${pct(m.bestTrade)} / ${pct(m.worstTrade)}`],
    ['Avg trade duration', duration(m.avgTradeDuration)],
    ['Fees paid', money(m.totalFees)],
  ];
  const t = table({});
  for (let i = 0; i < rows.length; i += 2) {
    const a = rows[i]!;
    const b = rows[i + 1] ?? ['', ''];
    t.push([a[0], { hAlign: 'right', content: a[1] }, b[0], { hAlign: 'right', content: b[1] }]);
  }
  return t.toString();
}

export interface ExitReasonRow {
  readonly reason: string;
  readonly trades: number;
  readonly wins: number;
  readonly pnl: number;
  readonly avgReturn: number;
}

/** Trades grouped by exit reason, most frequent first (ties by name, so the output is stable). */
export function tradesByExitReason(report: BacktestReport): ExitReasonRow[] {
  const groups = new Map<string, { trades: number; wins: number; pnl: number; returns: number }>();
  for (const t of report.trades) {
    const g = groups.get(t.exitReason) ?? { trades: 0, wins: 0, pnl: 0, returns: 0 };
    g.trades++;
    if (t.pnl > 0) g.wins++;
    g.pnl += t.pnl;
    g.returns += t.returnPct;
    groups.set(t.exitReason, g);
  }
  return [...groups.entries()]
    .map(([reason, g]) => ({ reason, trades: g.trades, wins: g.wins, pnl: g.pnl, avgReturn: g.returns / g.trades }))
    .sort((a, b) => b.trades - a.trades || a.reason.localeCompare(b.reason));
}

export function exitReasonTable(report: BacktestReport): string {
  const t = table({ head: ['Exit reason', 'Trades', 'Win rate', 'Avg return', 'Total PnL'], colAligns: ['left', 'right', 'right', 'right', 'right'] });
  for (const r of tradesByExitReason(report)) t.push([r.reason, String(r.trades), pct(r.wins / r.trades, 1), pct(r.avgReturn), money(r.pnl)]);
  return t.toString();
}

/**
 * The ensemble's heads (strategies that report `heads[]`): signals, hit rate, P&L attributed,
 * final weight; then the decisions by action and the out-of-sample comparison.
 */
export function headsTable(report: BacktestReport): string | undefined {
  if (!report.heads || report.heads.length === 0) return undefined;
  const t = table({ head: ['Head', 'Signals', 'Hit rate', 'P&L attributed', 'Final weight'], colAligns: ['left', 'right', 'right', 'right', 'right'] });
  for (const h of report.heads) t.push([h.id, String(h.signals), pct(h.hitRate, 1), money(h.pnlContribution), num(h.finalWeight, 3)]);
  const lines = [t.toString()];
  if (report.decisions) lines.push(`Decisions: ${Object.entries(report.decisions).map(([a, n]) => `${a} ${n}`).join(', ')}`);
  const e = report.ensemble;
  if (e) {
    const wf = e.walkForward;
    if (wf.evaluationStart !== null && wf.evaluationEnd !== null) {
      lines.push(`Out of sample: ${utc(wf.evaluationStart)} → ${utc(wf.evaluationEnd)} (${wf.evaluationBars} bars after ${wf.fitBars} fit bars); unit exposure, fee ${pct(e.comparison.fee, 2)} per change:`);
      const c = table({ head: ['', 'Return', 'Sharpe', 'Max DD', 'Exposure'], colAligns: ['left', 'right', 'right', 'right', 'right'] });
      for (const r of e.comparison.rows) c.push([r.kind === 'head' ? `${r.name} alone` : r.name, pct(r.totalReturn), num(r.sharpe), pct(-r.maxDrawdown), pct(r.exposure, 1)]);
      lines.push(c.toString());
      if (e.comparison.ensembleEngine) lines.push(`Ensemble as traded (sized, engine fills): ${pct(e.comparison.ensembleEngine.totalReturn)} over the same period`);
    }
  }
  return lines.join('\n');
}

/** The whole summary as printed after a backtest. */
export function formatSummary(report: BacktestReport, extraWarnings: readonly string[] = []): string {
  const lines = [runHeadline(report), metricsTable(report)];
  if (report.trades.length > 0) lines.push(exitReasonTable(report));
  else lines.push('No trades.');
  const heads = headsTable(report);
  if (heads !== undefined) lines.push(heads);
  const warnings = [...extraWarnings, ...report.warnings];
  for (const w of warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
