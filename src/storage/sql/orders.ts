/**
 * The order journal over `order_events` (append-only, refused UPDATE/DELETE by trigger), with the
 * `orders` and `fills` tables kept in the same transaction as projections. A crash can only lose
 * a whole transaction, so no order is ever half-written and no fill exists without its event.
 */
import type { OrderEvent } from '../../model/events.js';
import type { Fill } from '../../model/fill.js';
import type { OrderStatus } from '../../model/order.js';
import type { Backend, Db, Trx } from '../backend.js';
import { decodeJson, encodeJson } from '../codec.js';
import { JournalError } from '../errors.js';
import { applyOrderEvent, orderEventKey } from '../journal.js';
import type {
  AppendResult, FillQuery, JournalCheck, JournaledOrder, JournalEntry, JournalState, OrderJournal, OrderQuery,
} from '../port.js';
import type { FillsTable, OrdersTable } from '../schema.js';

const OPEN_STATUSES: readonly OrderStatus[] = ['submitted', 'accepted', 'triggered', 'partially-filled'];
/** Rows per IN (…) list, well below both databases' parameter limits. */
const IN_BATCH = 500;
const REPLAY_PAGE = 5000;

function nullable<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function finiteOrNull(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function orderRow(order: JournaledOrder, lastSeq: number): OrdersTable {
  return {
    id: order.id, client_order_id: order.clientOrderId, symbol: order.symbol, side: order.side, type: order.type,
    status: order.status, quantity: finiteOrNull(order.quantity), filled_quantity: order.filledQuantity,
    avg_fill_price: finiteOrNull(order.avgFillPrice), fees: order.fees, created_at: order.createdAt, updated_at: order.updatedAt,
    last_seq: lastSeq, venue_order_id: nullable(order.venueOrderId), owner: nullable(order.owner), tag: nullable(order.tag),
    view: encodeJson(order),
  };
}

function fillRow(fill: Fill, seq: number): FillsTable {
  return {
    order_id: fill.orderId, trade_id: fill.tradeId, seq, client_order_id: fill.clientOrderId, symbol: fill.symbol, side: fill.side,
    quantity: fill.quantity, price: fill.price, fee: fill.fee, liquidity: fill.liquidity, time: fill.time,
    tag: nullable(fill.tag), owner: nullable(fill.owner),
  };
}

function fillOf(row: FillsTable): Fill {
  const fill: Fill = {
    tradeId: row.trade_id, orderId: row.order_id, clientOrderId: row.client_order_id, symbol: row.symbol,
    side: row.side as Fill['side'], quantity: row.quantity, price: row.price, fee: row.fee,
    liquidity: row.liquidity as Fill['liquidity'], time: Number(row.time),
  };
  return { ...fill, ...(row.tag !== null && { tag: row.tag }), ...(row.owner !== null && { owner: row.owner }) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Prepared {
  readonly event: OrderEvent;
  readonly key: string;
  readonly payload: string;
}

export class SqlOrderJournal implements OrderJournal {
  constructor(
    private readonly backend: Backend,
    private readonly now: () => number,
  ) {}

  private get db(): Db {
    return this.backend.db;
  }

  append(event: OrderEvent): Promise<AppendResult> {
    return this.appendBatch([event]);
  }

  async appendBatch(events: readonly OrderEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { appended: 0, duplicates: 0 };
    const prepared: Prepared[] = events.map((event) => ({ event, key: orderEventKey(event), payload: encodeJson(event) }));
    const orderIds = [...new Set(events.map((e) => e.orderId))];
    return this.backend.write(async (trx) => {
      await this.backend.lock(trx, orderIds.map((id) => `order:${id}`));
      const states = new Map<string, { order: JournaledOrder; lastSeq: number; stored: boolean; dirty: boolean }>();
      for (const ids of chunks(orderIds, IN_BATCH)) {
        const rows = await trx.selectFrom('orders').select(['id', 'view', 'last_seq']).where('id', 'in', ids).execute();
        for (const r of rows) states.set(r.id, { order: decodeJson<JournaledOrder>(r.view), lastSeq: Number(r.last_seq), stored: true, dirty: false });
      }
      const known = await this.storedEvents(trx, prepared);
      let appended = 0;
      let duplicates = 0;
      const recordedAt = this.now();
      for (const p of prepared) {
        const id = p.event.orderId;
        const identity = `${id}\u0000${p.key}`;
        const previousPayload = known.get(identity);
        if (previousPayload !== undefined) {
          if (previousPayload !== p.payload) {
            throw new JournalError(`a different ${p.event.kind} is already stored under the same identity (${p.key})`, id);
          }
          duplicates++;
          continue;
        }
        const state = states.get(id);
        const next = applyOrderEvent(state?.order, p.event);
        const inserted = await trx.insertInto('order_events').values({
          order_id: id, event_key: p.key, kind: p.event.kind, status: p.event.status, symbol: p.event.symbol,
          client_order_id: p.event.clientOrderId, time: p.event.time, recorded_at: recordedAt, payload: p.payload,
        }).returning('seq').executeTakeFirstOrThrow();
        const seq = Number(inserted.seq);
        if (p.event.kind === 'order.filled') await trx.insertInto('fills').values(fillRow(p.event.fill, seq)).execute();
        states.set(id, { order: next, lastSeq: seq, stored: state?.stored ?? false, dirty: true });
        known.set(identity, p.payload);
        appended++;
      }
      for (const [, state] of states) {
        if (!state.dirty) continue;
        const row = orderRow(state.order, state.lastSeq);
        if (state.stored) {
          const { id, ...rest } = row;
          await trx.updateTable('orders').set(rest).where('id', '=', id).execute();
        } else {
          await trx.insertInto('orders').values(row).execute();
        }
      }
      return { appended, duplicates };
    });
  }

  /** Payloads already stored under the identities of `prepared`, keyed `orderId\0eventKey`. */
  private async storedEvents(trx: Trx, prepared: readonly Prepared[]): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    for (const part of chunks(prepared, IN_BATCH)) {
      const rows = await trx.selectFrom('order_events').select(['order_id', 'event_key', 'payload'])
        .where((eb) => eb(eb.refTuple('order_id', 'event_key'), 'in', part.map((p) => eb.tuple(p.event.orderId, p.key))))
        .execute();
      for (const r of rows) known.set(`${r.order_id}\u0000${r.event_key}`, r.payload);
    }
    return known;
  }

  replay(options: { untilSeq?: number } = {}): Promise<JournalState> {
    return this.backend.read((trx) => this.replayIn(trx, options));
  }

  /** Replays within `trx`, whose snapshot keeps the pages consistent while others append. */
  private async replayIn(trx: Trx, options: { untilSeq?: number }): Promise<JournalState> {
    const orders = new Map<string, JournaledOrder>();
    const fills: Fill[] = [];
    let lastSeq = 0;
    let events = 0;
    for (;;) {
      let q = trx.selectFrom('order_events').select(['seq', 'payload']).where('seq', '>', lastSeq);
      if (options.untilSeq !== undefined) q = q.where('seq', '<=', options.untilSeq);
      const page = await q.orderBy('seq').limit(REPLAY_PAGE).execute();
      for (const row of page) {
        const event = decodeJson<OrderEvent>(row.payload);
        orders.set(event.orderId, applyOrderEvent(orders.get(event.orderId), event));
        if (event.kind === 'order.filled') fills.push(event.fill);
        lastSeq = Number(row.seq);
        events++;
      }
      if (page.length < REPLAY_PAGE) break;
    }
    return { orders, fills, events, lastSeq };
  }

  async events(query: { orderId?: string; afterSeq?: number; limit?: number } = {}): Promise<JournalEntry[]> {
    let q = this.db.selectFrom('order_events').select(['seq', 'recorded_at', 'payload']);
    if (query.orderId !== undefined) q = q.where('order_id', '=', query.orderId);
    if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
    q = q.orderBy('seq');
    if (query.limit !== undefined) q = q.limit(query.limit);
    const rows = await q.execute();
    return rows.map((r) => ({ seq: Number(r.seq), recordedAt: Number(r.recorded_at), event: decodeJson<OrderEvent>(r.payload) }));
  }

  async get(orderId: string): Promise<JournaledOrder | undefined> {
    const row = await this.db.selectFrom('orders').select('view').where('id', '=', orderId).executeTakeFirst();
    return row ? decodeJson<JournaledOrder>(row.view) : undefined;
  }

  async list(query: OrderQuery = {}): Promise<JournaledOrder[]> {
    let q = this.db.selectFrom('orders').select('view');
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.status !== undefined) {
      const statuses = query.status === 'open' ? OPEN_STATUSES : typeof query.status === 'string' ? [query.status] : query.status;
      q = q.where('status', 'in', statuses as OrderStatus[]);
    }
    q = q.orderBy('created_at').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    const rows = await q.execute();
    return rows.map((r) => decodeJson<JournaledOrder>(r.view));
  }

  async fills(query: FillQuery = {}): Promise<Fill[]> {
    let q = this.db.selectFrom('fills').selectAll();
    if (query.orderId !== undefined) q = q.where('order_id', '=', query.orderId);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.from !== undefined) q = q.where('time', '>=', query.from);
    if (query.to !== undefined) q = q.where('time', '<', query.to);
    q = q.orderBy('seq');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(fillOf);
  }

  /** Checks in one snapshot, so that writers appending meanwhile cannot cause false alarms. */
  verify(): Promise<JournalCheck> {
    return this.backend.read((trx) => this.verifyIn(trx));
  }

  private async verifyIn(trx: Trx): Promise<JournalCheck> {
    const problems: string[] = [];
    let state: JournalState;
    try {
      state = await this.replayIn(trx, {});
    } catch (error) {
      return { ok: false, orders: 0, events: 0, problems: [`the journal does not replay: ${error instanceof Error ? error.message : String(error)}`] };
    }
    const projected = await trx.selectFrom('orders').select(['id', 'view']).execute();
    const seen = new Set<string>();
    for (const row of projected) {
      seen.add(row.id);
      const replayed = state.orders.get(row.id);
      if (!replayed) problems.push(`order ${row.id} is in the orders table but has no events`);
      else if (encodeJson(replayed) !== encodeJson(decodeJson(row.view))) problems.push(`order ${row.id}: the orders table differs from the replayed journal`);
    }
    for (const id of state.orders.keys()) if (!seen.has(id)) problems.push(`order ${id} has events but no row in the orders table`);
    const fillRows = await trx.selectFrom('fills').selectAll().execute();
    const journalFills = new Map(state.fills.map((f) => [`${f.orderId}\u0000${f.tradeId}`, f]));
    for (const row of fillRows) {
      const key = `${row.order_id}\u0000${row.trade_id}`;
      const fromJournal = journalFills.get(key);
      if (!fromJournal) problems.push(`fill ${row.trade_id} of order ${row.order_id} has no order.filled event`);
      else if (encodeJson(fillOf(row)) !== encodeJson(fromJournal)) problems.push(`fill ${row.trade_id} of order ${row.order_id} differs from its event`);
      journalFills.delete(key);
    }
    for (const f of journalFills.values()) problems.push(`fill ${f.tradeId} of order ${f.orderId} is in the journal but not in the fills table`);
    return { ok: problems.length === 0, orders: state.orders.size, events: state.events, problems };
  }
}
