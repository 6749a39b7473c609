/** Instruments and raw trade ticks. */
import type { AssetClass, Instrument } from '../../model/instrument.js';
import type { AggressorSide } from '../../model/market.js';
import type { Backend } from '../backend.js';
import type { InstrumentStore, StoredTradeTick, TickStore } from '../port.js';
import type { InstrumentsTable, MarketTradesTable } from '../schema.js';

const TICK_BATCH = 1000;

/** Rows were validated instruments when written (the port takes `Instrument`), so they are not parsed again. */
function instrumentOf(row: InstrumentsTable): Instrument {
  return Object.freeze({
    symbol: row.symbol, venue: row.venue, assetClass: row.asset_class as AssetClass, base: row.base, quote: row.quote,
    tickSize: row.tick_size, lotSize: row.lot_size, minQuantity: row.min_quantity, minNotional: row.min_notional,
    makerFee: row.maker_fee, takerFee: row.taker_fee, multiplier: row.multiplier, maxLeverage: row.max_leverage,
  });
}

export class SqlInstrumentStore implements InstrumentStore {
  constructor(private readonly backend: Backend, private readonly now: () => number) {}

  async upsert(instruments: readonly Instrument[]): Promise<void> {
    if (instruments.length === 0) return;
    const updatedAt = this.now();
    const rows: InstrumentsTable[] = instruments.map((i) => ({
      venue: i.venue, symbol: i.symbol, asset_class: i.assetClass, base: i.base, quote: i.quote, tick_size: i.tickSize,
      lot_size: i.lotSize, min_quantity: i.minQuantity, min_notional: i.minNotional, maker_fee: i.makerFee, taker_fee: i.takerFee,
      multiplier: i.multiplier, max_leverage: i.maxLeverage, updated_at: updatedAt,
    }));
    await this.backend.write(async (trx) => {
      for (const row of rows) {
        const { venue: _v, symbol: _s, ...rest } = row;
        await trx.insertInto('instruments').values(row).onConflict((oc) => oc.columns(['venue', 'symbol']).doUpdateSet(rest)).execute();
      }
    });
  }

  async get(venue: string, symbol: string): Promise<Instrument | undefined> {
    const row = await this.backend.db.selectFrom('instruments').selectAll().where('venue', '=', venue).where('symbol', '=', symbol).executeTakeFirst();
    return row ? instrumentOf(row) : undefined;
  }

  async list(venue?: string): Promise<Instrument[]> {
    let q = this.backend.db.selectFrom('instruments').selectAll();
    if (venue !== undefined) q = q.where('venue', '=', venue);
    return (await q.orderBy('venue').orderBy('symbol').execute()).map(instrumentOf);
  }
}

export class SqlTickStore implements TickStore {
  constructor(private readonly backend: Backend) {}

  async insert(ticks: readonly StoredTradeTick[]): Promise<number> {
    if (ticks.length === 0) return 0;
    return this.backend.write(async (trx) => {
      let inserted = 0;
      for (let i = 0; i < ticks.length; i += TICK_BATCH) {
        const rows: MarketTradesTable[] = ticks.slice(i, i + TICK_BATCH).map((t) => ({
          venue: t.venue, symbol: t.symbol, trade_id: t.tradeId, time: t.time, price: t.price, size: t.size, aggressor: t.aggressor,
        }));
        const result = await trx.insertInto('market_trades').values(rows)
          .onConflict((oc) => oc.columns(['venue', 'symbol', 'trade_id']).doNothing()).executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return inserted;
    });
  }

  async read(query: { venue: string; symbol: string; from?: number; to?: number; limit?: number }): Promise<StoredTradeTick[]> {
    let q = this.backend.db.selectFrom('market_trades').selectAll().where('venue', '=', query.venue).where('symbol', '=', query.symbol);
    if (query.from !== undefined) q = q.where('time', '>=', query.from);
    if (query.to !== undefined) q = q.where('time', '<', query.to);
    q = q.orderBy('time').orderBy('trade_id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map((r) => ({
      venue: r.venue, symbol: r.symbol, time: Number(r.time), price: r.price, size: r.size, aggressor: r.aggressor as AggressorSide, tradeId: r.trade_id,
    }));
  }

  async deleteBefore(before: number): Promise<number> {
    // In batches, so that a large purge never holds the write lock for long.
    let total = 0;
    for (;;) {
      const deleted = await this.backend.write(async (trx) => {
        const victims = await trx.selectFrom('market_trades').select(['venue', 'symbol', 'trade_id'])
          .where('time', '<', before).limit(10_000).execute();
        if (victims.length === 0) return 0;
        let n = 0;
        for (let i = 0; i < victims.length; i += 300) {
          const part = victims.slice(i, i + 300);
          const result = await trx.deleteFrom('market_trades')
            .where((eb) => eb(eb.refTuple('venue', 'symbol', 'trade_id'), 'in', part.map((v) => eb.tuple(v.venue, v.symbol, v.trade_id))))
            .executeTakeFirst();
          n += Number(result.numDeletedRows);
        }
        return n;
      });
      total += deleted;
      if (deleted === 0) return total;
    }
  }
}
