/** Backtest runs with their config, metrics and closed trades. */
import type { ClosedTrade } from '../../model/trade.js';
import type { Backend } from '../backend.js';
import { decodeJson, encodeJson } from '../codec.js';
import { StorageConstraintError } from '../errors.js';
import type { BacktestRunRecord, BacktestRunSummary, BacktestStore, JsonObject } from '../port.js';
import type { BacktestRunsTable, BacktestTradesTable } from '../schema.js';

function summaryOf(r: BacktestRunsTable): BacktestRunSummary {
  return {
    id: r.id, strategy: r.strategy, createdAt: Number(r.created_at), config: decodeJson(r.config), metrics: decodeJson<JsonObject>(r.metrics),
    tradeCount: r.trade_count,
    ...(r.period_start !== null && { periodStart: Number(r.period_start) }), ...(r.period_end !== null && { periodEnd: Number(r.period_end) }),
    ...(r.note !== null && { note: r.note }),
  };
}

function tradeOf(r: BacktestTradesTable): ClosedTrade {
  return {
    id: r.trade_id, symbol: r.symbol, side: r.side as ClosedTrade['side'], entryTime: Number(r.entry_time), entryPrice: r.entry_price,
    exitTime: Number(r.exit_time), exitPrice: r.exit_price, quantity: r.quantity, pnl: r.pnl, grossPnl: r.gross_pnl, fees: r.fees,
    carry: r.carry, returnPct: r.return_pct, exitReason: r.exit_reason, bars: r.bars, ...(r.entry_tag !== null && { entryTag: r.entry_tag }),
  };
}

export class SqlBacktestStore implements BacktestStore {
  constructor(private readonly backend: Backend) {}

  async save(run: BacktestRunRecord): Promise<void> {
    const trades: BacktestTradesTable[] = run.trades.map((t, i) => ({
      run_id: run.id, seq: i, trade_id: t.id, symbol: t.symbol, side: t.side, entry_time: t.entryTime, entry_price: t.entryPrice,
      exit_time: t.exitTime, exit_price: t.exitPrice, quantity: t.quantity, pnl: t.pnl, gross_pnl: t.grossPnl, fees: t.fees, carry: t.carry,
      return_pct: t.returnPct, exit_reason: t.exitReason, entry_tag: t.entryTag ?? null, bars: t.bars,
    }));
    await this.backend.write(async (trx) => {
      const exists = await trx.selectFrom('backtest_runs').select('id').where('id', '=', run.id).executeTakeFirst();
      if (exists) throw new StorageConstraintError(`backtest run ${run.id} is already stored`, 'backtest_runs');
      await trx.insertInto('backtest_runs').values({
        id: run.id, strategy: run.strategy, created_at: run.createdAt, config: encodeJson(run.config), metrics: encodeJson(run.metrics),
        period_start: run.periodStart ?? null, period_end: run.periodEnd ?? null, note: run.note ?? null, trade_count: trades.length,
      }).execute();
      for (let i = 0; i < trades.length; i += 200) await trx.insertInto('backtest_trades').values(trades.slice(i, i + 200)).execute();
    });
  }

  async get(id: string): Promise<BacktestRunRecord | undefined> {
    const db = this.backend.db;
    const row = await db.selectFrom('backtest_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const trades = await db.selectFrom('backtest_trades').selectAll().where('run_id', '=', id).orderBy('seq').execute();
    const { tradeCount: _count, ...summary } = summaryOf(row);
    return { ...summary, trades: trades.map(tradeOf) };
  }

  async list(query: { strategy?: string; limit?: number } = {}): Promise<BacktestRunSummary[]> {
    let q = this.backend.db.selectFrom('backtest_runs').selectAll();
    if (query.strategy !== undefined) q = q.where('strategy', '=', query.strategy);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? 100).execute();
    return rows.map(summaryOf);
  }
}
