/**
 * The backtest job: the request names built-in strategies and bundled data sets or stored candle
 * series — never a file path or code — so any server can run any job safely. Data is loaded in the
 * main thread (file or database I/O), the simulation runs in a worker thread (a backtest is
 * synchronous CPU work and must not stall the API), and the result is stored in
 * `storage.backtests` under the job id.
 */
import { Worker } from 'node:worker_threads';
import { ConfigurationError } from '../../core/errors.js';
import { bundledDataPath, bundledDataSets, loadBars } from '../../data/index.js';
import type { BarTable } from '../../model/bar.js';
import { builtinStrategyNames } from '../../strategy/loader.js';
import type { JsonObject, Storage } from '../../storage/port.js';
import type { BacktestReport } from '../../backtest/report.js';
import type { BacktestRequest } from '../schemas/backtests.js';
import type { BacktestWorkerInput, WorkerMessage, WorkerTable } from './backtest-worker.js';
import { barsInPeriod, requestTime } from './period.js';
import { JobCanceledError, type JobContext, type JobOutcome, type JobProcessor } from './types.js';

const workerEntry = new URL('./worker-entry.mjs', import.meta.url);
const workerModule = new URL('./backtest-worker.ts', import.meta.url).href;

/** Checks what can be checked before queueing (names exist); throws ConfigurationError naming the field. */
export function checkBacktestRequest(request: BacktestRequest): void {
  if (!builtinStrategyNames().includes(request.strategy)) {
    throw new ConfigurationError(`unknown strategy "${request.strategy}"; built-in: ${builtinStrategyNames().join(', ')}`, 'strategy');
  }
  for (const [i, name] of (request.data ?? []).entries()) {
    const set = bundledDataSets.find((d) => d.file === name);
    if (!set || set.kind !== 'bars') throw new ConfigurationError(`"${name}" is not a bundled bar data set; see GET /api/v1/data-sets`, `data.${i}`);
  }
  const from = requestTime(request.from, 'from');
  const to = requestTime(request.to, 'to');
  if (from !== undefined && to !== undefined && !(from < to)) throw new ConfigurationError('from must be before to', 'to');
}

/** A processor for `backtest` jobs. */
export function backtestProcessor(storage: Storage | undefined): JobProcessor {
  return async (raw, context) => {
    const request = raw as BacktestRequest;
    checkBacktestRequest(request);
    const from = requestTime(request.from, 'from');
    const to = requestTime(request.to, 'to');
    context.log('info', `loading data for ${request.strategy}`);
    const tables: BarTable[] = [];
    for (const name of request.data ?? []) tables.push(barsInPeriod((await loadBars(bundledDataPath(name))).table, from, to));
    for (const s of request.series ?? []) {
      if (!storage) throw new ConfigurationError('no database to read series from', 'series');
      const table = await storage.candles.read({ symbol: s.symbol, timeframe: s.timeframe, ...(s.venue ? { venue: s.venue } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
      if (table.length === 0) throw new ConfigurationError(`no stored ${s.symbol} ${s.timeframe} candles in the requested period`, 'series');
      tables.push(table);
    }
    context.log('info', `${tables.map((t) => `${t.symbol} ${t.timeframe} (${t.length} bars)`).join(', ')}`);
    const input: BacktestWorkerInput = {
      strategy: request.strategy, params: request.params ?? {},
      tables: tables.map((t): WorkerTable => ({ symbol: t.symbol, timeframe: t.timeframe, columns: [t.time.slice(), t.open.slice(), t.high.slice(), t.low.slice(), t.close.slice(), t.volume.slice()] })),
      ...(request.cash !== undefined ? { cash: request.cash } : {}),
      ...(request.fee !== undefined ? { fee: request.fee } : {}),
      ...(request.slippage_bps !== undefined ? { slippageBps: request.slippage_bps } : {}),
      ...(request.convention !== undefined ? { convention: request.convention } : {}),
    };
    const reportJson = await runWorker(input, context);
    const report = JSON.parse(reportJson) as BacktestReport;
    const m = report.metrics;
    const wins = report.trades.filter((t) => t.pnl > 0).length;
    const summary = {
      final_equity: m.finalEquity, total_return: m.totalReturn, sharpe: m.sharpe, max_drawdown: m.maxDrawdown,
      trades: report.trades.length, win_rate: report.trades.length > 0 ? wins / report.trades.length : null,
    };
    context.log('info', `done: ${report.trades.length} trades, final equity ${m.finalEquity.toFixed(2)}`);
    if (storage) {
      await storage.backtests.save({
        id: context.id, strategy: report.strategy.name, createdAt: Date.now(),
        config: { request: JSON.parse(JSON.stringify(request)) as JsonObject, data: report.data, config: JSON.parse(JSON.stringify(report.config)) as JsonObject },
        metrics: JSON.parse(JSON.stringify(report.metrics)) as JsonObject,
        periodStart: report.data.start, periodEnd: report.data.end,
        trades: report.trades.map((t) => ({ ...t, entryTag: t.entryTag ?? undefined })),
      });
    }
    return { summary, resultJson: reportJson } satisfies JobOutcome;
  };
}

function runWorker(input: BacktestWorkerInput, context: JobContext): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (context.signal.aborted) {
      reject(new JobCanceledError());
      return;
    }
    const worker = new Worker(workerEntry, {
      workerData: { module: workerModule, input },
      transferList: input.tables.flatMap((t) => t.columns.map((c) => c.buffer as ArrayBuffer)),
    });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      context.signal.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new JobCanceledError()));
    context.signal.addEventListener('abort', onAbort);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') context.progress(message.total > 0 ? message.done / message.total : 0);
      else if (message.type === 'done') finish(() => resolve(message.reportJson));
      else finish(() => reject(new ConfigurationError(message.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the backtest worker exited with code ${code}`))));
  });
}
