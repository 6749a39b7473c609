/**
 * The part of a backtest job that runs in a worker thread: the strategy is loaded by its built-in
 * name, the bars arrive as transferred columns, progress and the report go back as messages.
 */
import { parentPort } from 'node:worker_threads';
import { runBacktest } from '../../backtest/runner.js';
import { reportToJson } from '../../backtest/report.js';
import { BarTable } from '../../model/bar.js';
import { loadStrategy, strategyParams } from '../../strategy/loader.js';

export interface WorkerTable {
  readonly symbol: string;
  readonly timeframe: string;
  readonly columns: readonly [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
}

export interface BacktestWorkerInput {
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly tables: readonly WorkerTable[];
  readonly cash?: number;
  readonly fee?: number;
  readonly slippageBps?: number;
  readonly convention?: string;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly reportJson: string }
  | { readonly type: 'error'; readonly message: string };

export async function runInWorker(input: BacktestWorkerInput): Promise<void> {
  const port = parentPort!;
  try {
    const { definition } = await loadStrategy(input.strategy);
    const assignments = Object.entries(input.params).map(([k, v]) => `${k}=${String(v)}`);
    const params = strategyParams(definition, assignments);
    const tables = input.tables.map((t) => new BarTable(t.symbol, t.timeframe, ...t.columns));
    let last = 0;
    const { report } = runBacktest({
      data: tables, strategy: definition, params,
      ...(input.cash !== undefined ? { cash: input.cash } : {}),
      ...(input.convention !== undefined ? { convention: input.convention } : {}),
      sim: {
        ...(input.fee !== undefined ? { fees: { maker: input.fee, taker: input.fee } } : {}),
        ...(input.slippageBps !== undefined ? { slippage: input.slippageBps === 0 ? { kind: 'none' as const } : { kind: 'fixed-bps' as const, bps: input.slippageBps } } : {}),
      },
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - last < 50 && done < total) return;
        last = now;
        port.postMessage({ type: 'progress', done, total } satisfies WorkerMessage);
      },
    });
    port.postMessage({ type: 'done', reportJson: reportToJson(report) } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
  }
}
