/** Position and account snapshots. NaN fields (a flat position's average price) are stored as NULL. */
import type { Selectable } from 'kysely';
import type { AccountType, AccountView } from '../../model/account.js';
import type { PositionSide, PositionView } from '../../model/position.js';
import type { Backend } from '../backend.js';
import type { SnapshotStore } from '../port.js';
import type { AccountSnapshotsTable, PositionSnapshotsTable } from '../schema.js';

const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
const nullToNaN = (v: number | null): number => (v === null ? Number.NaN : v);

function positionOf(r: Selectable<PositionSnapshotsTable>): PositionView {
  return {
    symbol: r.symbol, quantity: r.quantity, side: r.side as PositionSide, avgPrice: nullToNaN(r.avg_price), realizedPnl: r.realized_pnl,
    fees: r.fees, funding: r.funding, openedAt: r.opened_at === null ? Number.NaN : Number(r.opened_at), multiplier: r.multiplier,
    markPrice: nullToNaN(r.mark_price), unrealizedPnl: r.unrealized_pnl,
  };
}

function accountOf(r: Omit<AccountSnapshotsTable, 'id'>): AccountView {
  return {
    type: r.type as AccountType, currency: r.currency, leverage: r.leverage, balance: r.balance, unrealizedPnl: r.unrealized_pnl,
    equity: r.equity, marginUsed: r.margin_used, freeMargin: r.free_margin, buyingPower: r.buying_power, grossLeverage: r.gross_leverage,
    feesPaid: r.fees_paid, fundingPaid: r.funding_paid,
  };
}

export class SqlSnapshotStore implements SnapshotStore {
  constructor(private readonly backend: Backend) {}

  async savePositions(account: string, time: number, positions: readonly PositionView[]): Promise<void> {
    await this.backend.write(async (trx) => {
      // A snapshot with no open position still needs a row, or "latest" would find an older one.
      const rows = positions.length > 0 ? positions : [null];
      await trx.insertInto('position_snapshots').values(rows.map((p) => ({
        account, time, symbol: p?.symbol ?? '', side: p?.side ?? 'flat', quantity: p?.quantity ?? 0, avg_price: p ? nanToNull(p.avgPrice) : null,
        realized_pnl: p?.realizedPnl ?? 0, fees: p?.fees ?? 0, funding: p?.funding ?? 0, opened_at: p ? nanToNull(p.openedAt) : null,
        multiplier: p?.multiplier ?? 1, mark_price: p ? nanToNull(p.markPrice) : null, unrealized_pnl: p?.unrealizedPnl ?? 0,
      }))).execute();
    });
  }

  async saveAccount(account: string, time: number, v: AccountView): Promise<void> {
    await this.backend.db.insertInto('account_snapshots').values({
      account, time, type: v.type, currency: v.currency, leverage: v.leverage, balance: v.balance, unrealized_pnl: v.unrealizedPnl,
      equity: v.equity, margin_used: v.marginUsed, free_margin: v.freeMargin, buying_power: v.buyingPower, gross_leverage: v.grossLeverage,
      fees_paid: v.feesPaid, funding_paid: v.fundingPaid,
    }).execute();
  }

  async latestPositions(account: string): Promise<{ time: number; positions: PositionView[] } | undefined> {
    const db = this.backend.db;
    const last = await db.selectFrom('position_snapshots').select('time').where('account', '=', account)
      .orderBy('time', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!last) return undefined;
    const time = Number(last.time);
    const rows = await db.selectFrom('position_snapshots').selectAll().where('account', '=', account).where('time', '=', time).orderBy('id').execute();
    return { time, positions: rows.filter((r) => r.symbol !== '').map(positionOf) };
  }

  async latestAccount(account: string): Promise<{ time: number; account: AccountView } | undefined> {
    const row = await this.backend.db.selectFrom('account_snapshots').selectAll().where('account', '=', account)
      .orderBy('time', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? { time: Number(row.time), account: accountOf(row) } : undefined;
  }

  async accountHistory(account: string, range: { from?: number; to?: number; limit?: number } = {}): Promise<Array<{ time: number; account: AccountView }>> {
    let q = this.backend.db.selectFrom('account_snapshots').selectAll().where('account', '=', account);
    if (range.from !== undefined) q = q.where('time', '>=', range.from);
    if (range.to !== undefined) q = q.where('time', '<', range.to);
    q = q.orderBy('time').orderBy('id');
    if (range.limit !== undefined) q = q.limit(range.limit);
    return (await q.execute()).map((r) => ({ time: Number(r.time), account: accountOf(r) }));
  }
}
