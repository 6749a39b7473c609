/** What `arbiter backtest` does once its options are parsed (see commands/backtest.ts). */
import { SingleBar } from 'cli-progress';
import { reportToJson, type BacktestReport } from '../backtest/report.js';
import { runBacktest, type BacktestOptions } from '../backtest/runner.js';
import { renderHtmlReport } from './html-report.js';
import { writeOutput } from './options.js';
import { resolveRun } from './resolve-run.js';
import type { RunOptionValues } from './run-options.js';
import { formatSummary } from './summary.js';

/** Runs over more bars than this show a progress bar (when stderr is a terminal). */
const PROGRESS_THRESHOLD = 200_000;

export interface BacktestOptionValues extends RunOptionValues {
  json?: string;
  html?: string;
  convention?: string;
  closeAtEnd: boolean;
  quiet?: boolean;
}

export async function runBacktestCommand(options: BacktestOptionValues, flags: { closeAtEndGiven: boolean }): Promise<BacktestReport> {
  const run = await resolveRun(options);
  const total = run.tables.reduce((n, t) => n + t.length, 0);
  const progress = !options.quiet && process.stderr.isTTY && total > PROGRESS_THRESHOLD
    ? new SingleBar({ format: 'backtest [{bar}] {percentage}% | {value}/{total} bars | {duration_formatted}', hideCursor: true, clearOnComplete: true })
    : undefined;
  const backtest: BacktestOptions = {
    data: run.tables, strategy: run.strategy, params: run.params, cash: run.cash, account: run.account,
    sim: run.sim, fundingRates: run.fundingRates,
    ...(options.convention !== undefined ? { convention: options.convention } : {}),
    ...(flags.closeAtEndGiven ? { closeAtEnd: options.closeAtEnd } : {}),
    ...(run.maxOpenTrades !== undefined ? { maxOpenTrades: run.maxOpenTrades } : {}),
    ...(progress ? { onProgress: (done: number) => progress.update(done) } : {}),
  };
  progress?.start(total, 0);
  let report: BacktestReport;
  try {
    report = runBacktest(backtest).report;
  } finally {
    progress?.stop();
  }
  // What the loader repaired belongs with the results it produced.
  if (run.dataNotes.length > 0) report = { ...report, warnings: [...run.dataNotes, ...report.warnings] };
  if (options.json !== undefined) writeOutput('--json', options.json, reportToJson(report));
  if (options.html !== undefined) writeOutput('--html', options.html, renderHtmlReport({ report, tables: run.tables }));
  if (!options.quiet) {
    process.stdout.write(formatSummary(report));
    for (const [kind, file] of [['JSON', options.json], ['HTML', options.html]] as const) if (file !== undefined) process.stdout.write(`${kind} report written to ${file}\n`);
  }
  return report;
}
