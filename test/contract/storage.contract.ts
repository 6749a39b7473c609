/**
 * The Storage contract: every implementation (SQLite, PostgreSQL) must pass these. A test file
 * per implementation calls `storageContract` with a factory that returns a fresh, empty storage.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../../src/core/errors.js';
import { DAY_MS, MINUTE_MS } from '../../src/core/time.js';
import type { AccountView } from '../../src/model/account.js';
import { BarTable } from '../../src/model/bar.js';
import { orderEvent } from '../../src/model/events.js';
import { defineInstrument } from '../../src/model/instrument.js';
import { Position } from '../../src/model/position.js';
import type { ClosedTrade } from '../../src/model/trade.js';
import { JournalError, StorageConstraintError } from '../../src/storage/errors.js';
import { JournalWriter } from '../../src/storage/journal-writer.js';
import { latestSchemaVersion } from '../../src/storage/migrate.js';
import type { DecisionRecord, HeadVote, Storage } from '../../src/storage/port.js';
import { OrderScript } from '../kit/order-events.js';

const T0 = Date.UTC(2024, 0, 1);
const BTC = { venue: 'binance', symbol: 'BTC/USDT', timeframe: '1m' } as const;

/** A regular 1m series of `n` candles from `start` with distinct, recognisable values. */
function series(n: number, start = T0, step = MINUTE_MS, base = 100): BarTable {
  return BarTable.fromBars(BTC.symbol, BTC.timeframe, Array.from({ length: n }, (_, i) => ({
    time: start + i * step, open: base + i, high: base + i + 2, low: base + i - 2, close: base + i + 1, volume: base - 90 + i,
  })));
}

function columns(table: BarTable): number[][] {
  return [table.time, table.open, table.high, table.low, table.close, table.volume].map((c) => Array.from(c));
}

function vote(head: string, direction: number, confidence: number, extra: Partial<HeadVote> = {}): HeadVote {
  return { head, direction, confidence, weight: 0.25, status: 'ok', ...extra };
}

function decision(id: string, createdAt: number, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id, symbol: 'BTC/USDT', strategy: 'ensemble', action: 'buy', side: 'buy', direction: 0.6, sizePercent: 5, entryPrice: 42_000,
    stopLoss: 41_000, takeProfit: 44_000, confidence: 0.8, consensusScore: 0.75, reasoning: 'three heads agree', marketAnalysis: 'uptrend',
    riskAssessment: 'moderate', modelUsed: 'claude', tokensUsed: 1234, outcome: 'pending', createdAt,
    votes: [vote('technical', 0.8, 0.9, { inputs: { rsi_14: 28.5, nan: Number.NaN }, reason: 'oversold', horizonMs: 3_600_000 }), vote('sentiment', 0.4, 0.7), vote('llm', -0.2, 0.2, { status: 'faulted', error: 'timeout' })],
    ...extra,
  };
}

export function storageContract(name: string, fresh: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    // Each test's storage is closed right after it, so connections never pile up on the server.
    let opened: Storage[] = [];
    const open = async (): Promise<Storage> => {
      const storage = await fresh();
      opened.push(storage);
      return storage;
    };
    afterEach(async () => {
      const closing = opened;
      opened = [];
      await Promise.all(closing.map((s) => s.close()));
    });

    it('opens at the latest schema version', async () => {
      const storage = await open();
      expect(await storage.schemaVersion()).toBe(latestSchemaVersion());
    });

    describe('candles', () => {
      it('reads back exactly what was upserted, across chunk boundaries', async () => {
        const storage = await open();
        const table = series(5000);
        expect(await storage.candles.upsert(BTC, table)).toEqual({ inserted: 5000, updated: 0, unchanged: 0 });
        const back = await storage.candles.read(BTC);
        expect(back.symbol).toBe('BTC/USDT');
        expect(back.timeframe).toBe('1m');
        expect(columns(back)).toEqual(columns(table));
      });

      it('reads a half-open range [from, to) and an empty range', async () => {
        const storage = await open();
        const table = series(3000);
        await storage.candles.upsert(BTC, table);
        const part = await storage.candles.read({ ...BTC, from: table.time[1023], to: table.time[2050] });
        expect(columns(part)).toEqual(columns(table.slice(1023, 2050)));
        expect((await storage.candles.read({ ...BTC, from: T0 - DAY_MS, to: T0 })).length).toBe(0);
        expect((await storage.candles.read({ ...BTC, from: table.time[10], to: table.time[10] })).length).toBe(0);
      });

      it('counts inserted, updated and unchanged rows on a repeated import and never duplicates', async () => {
        const storage = await open();
        await storage.candles.upsert(BTC, series(2000));
        // Rows 1500..2499: 500 overlap (half of them changed), 500 new.
        const next = series(1000, T0 + 1500 * MINUTE_MS, MINUTE_MS, 1600);
        for (let i = 0; i < 250; i++) next.close[i] = next.close[i]! + 0.5;
        expect(await storage.candles.upsert(BTC, next)).toEqual({ inserted: 500, updated: 250, unchanged: 250 });
        expect(await storage.candles.upsert(BTC, next)).toEqual({ inserted: 0, updated: 0, unchanged: 1000 });
        const back = await storage.candles.read(BTC);
        expect(back.length).toBe(2500);
        expect(back.close[1500]).toBe(next.close[0]);
        expect(back.close[1499]).toBe(100 + 1499 + 1);
      });

      it('sorts unsorted input and refuses two candles with the same time, naming the row', async () => {
        const storage = await open();
        const t = series(3);
        const shuffled = new BarTable('BTC/USDT', '1m', Float64Array.of(t.time[2]!, t.time[0]!, t.time[1]!), Float64Array.of(3, 1, 2), Float64Array.of(3, 1, 2), Float64Array.of(3, 1, 2), Float64Array.of(3, 1, 2), Float64Array.of(3, 1, 2));
        await storage.candles.upsert(BTC, shuffled);
        expect(Array.from((await storage.candles.read(BTC)).open)).toEqual([1, 2, 3]);
        const dup = new BarTable('BTC/USDT', '1m', Float64Array.of(T0 + 5 * MINUTE_MS, T0, T0 + 5 * MINUTE_MS), Float64Array.of(1, 1, 1), Float64Array.of(1, 1, 1), Float64Array.of(1, 1, 1), Float64Array.of(1, 1, 1), Float64Array.of(1, 1, 1));
        await expect(storage.candles.upsert(BTC, dup)).rejects.toThrow(/row 3.*two candles have open time/);
        expect((await storage.candles.read(BTC)).length).toBe(3);
      });

      it('refuses NaN prices and negative volume, storing nothing of the batch', async () => {
        const storage = await open();
        const bad = series(10);
        bad.close[7] = Number.NaN;
        const error = await storage.candles.upsert(BTC, bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataError);
        expect((error as Error).message).toMatch(/row 8, field "close"/);
        const negative = series(10);
        negative.volume[2] = -1;
        await expect(storage.candles.upsert(BTC, negative)).rejects.toThrow(/volume must not be negative/);
        await expect(storage.candles.read(BTC)).rejects.toThrow(DataError);
      });

      it('lists each series with first, last, count and gaps', async () => {
        const storage = await open();
        const a = series(100);
        const b = series(50, T0 + 200 * MINUTE_MS); // one gap between a and b
        await storage.candles.upsert(BTC, a);
        await storage.candles.upsert(BTC, b);
        const withHole = BarTable.fromBars('ETH/USDT', '1h', [0, 1, 3, 4, 9].map((k) => ({ time: T0 + k * 3_600_000, open: 1, high: 1, low: 1, close: 1, volume: 1 })));
        await storage.candles.upsert({ venue: 'kraken', symbol: 'ETH/USDT', timeframe: '1h' }, withHole);
        expect(await storage.candles.list()).toEqual([
          { venue: 'binance', symbol: 'BTC/USDT', timeframe: '1m', first: T0, last: T0 + 249 * MINUTE_MS, count: 150, gaps: 1 },
          { venue: 'kraken', symbol: 'ETH/USDT', timeframe: '1h', first: T0, last: T0 + 9 * 3_600_000, count: 5, gaps: 2 },
        ]);
      });

      it('counts gaps that fall on a chunk boundary once', async () => {
        const storage = await open();
        const span = 1024 * MINUTE_MS;
        // Candles on both sides of a chunk boundary with the minute at the boundary missing.
        const times = [span * 1000 - 2 * MINUTE_MS, span * 1000 - MINUTE_MS, span * 1000 + MINUTE_MS, span * 1000 + 2 * MINUTE_MS];
        await storage.candles.upsert(BTC, BarTable.fromBars('BTC/USDT', '1m', times.map((time) => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 0 }))));
        const [summary] = await storage.candles.list();
        expect(summary).toMatchObject({ count: 4, gaps: 1 });
      });

      it('resolves a missing venue when unambiguous and refuses it otherwise', async () => {
        const storage = await open();
        await expect(storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1m' })).rejects.toThrow(/no candles stored for BTC\/USDT 1m.*arbiter data import/);
        await storage.candles.upsert(BTC, series(5));
        expect((await storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1m' })).length).toBe(5);
        await storage.candles.upsert({ ...BTC, venue: 'kraken' }, series(3));
        await expect(storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1m' })).rejects.toThrow(ConfigurationError);
        await expect(storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1m' })).rejects.toThrow(/binance, kraken/);
        expect((await storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1m', venue: 'kraken' })).length).toBe(3);
      });

      it('deletes a range inside and across chunks, and a whole series', async () => {
        const storage = await open();
        const table = series(3000);
        await storage.candles.upsert(BTC, table);
        expect(await storage.candles.delete(BTC, { from: table.time[1000], to: table.time[2100] })).toBe(1100);
        const back = await storage.candles.read(BTC);
        expect(back.length).toBe(1900);
        expect(back.time[999]).toBe(table.time[999]);
        expect(back.time[1000]).toBe(table.time[2100]);
        expect(await storage.candles.delete(BTC)).toBe(1900);
        expect(await storage.candles.list()).toEqual([]);
      });

      it('reports progress up to the total', async () => {
        const storage = await open();
        const seen: Array<[number, number]> = [];
        await storage.candles.upsert(BTC, series(300_000), { onProgress: (done, total) => seen.push([done, total]) });
        expect(seen.length).toBeGreaterThan(1);
        expect(seen.at(-1)).toEqual([300_000, 300_000]);
        expect(seen.every(([d], i) => i === 0 || d > seen[i - 1]![0])).toBe(true);
      });

      it('returns any range of any stored set of times exactly (property)', async () => {
        const storage = await open();
        let round = 0;
        await fc.assert(fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }),
          fc.integer({ min: -10, max: 5010 }), fc.integer({ min: 0, max: 3000 }),
          async (minutes, fromMinute, length) => {
            const key = { ...BTC, symbol: `P${round++}` };
            const bars = minutes.map((m) => ({ time: T0 + m * MINUTE_MS, open: m, high: m + 1, low: m - 1, close: m + 0.5, volume: m }));
            await storage.candles.upsert(key, BarTable.fromBars(key.symbol, '1m', bars));
            const from = T0 + fromMinute * MINUTE_MS;
            const to = from + length * MINUTE_MS;
            const got = await storage.candles.read({ ...key, from, to });
            const want = minutes.filter((m) => T0 + m * MINUTE_MS >= from && T0 + m * MINUTE_MS < to).sort((a, b) => a - b);
            expect(Array.from(got.open)).toEqual(want);
            expect(Array.from(got.time)).toEqual(want.map((m) => T0 + m * MINUTE_MS));
          },
        ), { numRuns: 25 });
      });
    });

    describe('instruments and ticks', () => {
      it('round-trips instruments and replaces them by venue and symbol', async () => {
        const storage = await open();
        const btc = defineInstrument({ symbol: 'BTC/USDT', venue: 'binance', tickSize: 0.01, lotSize: 0.00001, takerFee: 0.001 });
        const aapl = defineInstrument({ symbol: 'AAPL', venue: 'alpaca', assetClass: 'us-equity', tickSize: 0.01, lotSize: 1 });
        await storage.instruments.upsert([btc, aapl]);
        await storage.instruments.upsert([{ ...btc, takerFee: 0.00075 }]);
        expect(await storage.instruments.get('binance', 'BTC/USDT')).toEqual({ ...btc, takerFee: 0.00075 });
        expect((await storage.instruments.list()).map((i) => i.symbol)).toEqual(['AAPL', 'BTC/USDT']);
        expect(await storage.instruments.list('alpaca')).toEqual([aapl]);
        expect(await storage.instruments.get('binance', 'ETH/USDT')).toBeUndefined();
      });

      it('skips ticks already stored and deletes only ticks older than the retention cutoff', async () => {
        const storage = await open();
        const ticks = Array.from({ length: 2500 }, (_, i) => ({
          venue: 'binance', symbol: 'BTC/USDT', time: T0 + i * 1000, price: 42_000 + i, size: 0.01, aggressor: i % 2 ? 'buy' as const : 'sell' as const, tradeId: `t${i}`,
        }));
        expect(await storage.ticks.insert(ticks)).toBe(2500);
        expect(await storage.ticks.insert(ticks.slice(0, 10))).toBe(0);
        expect(await storage.ticks.read({ venue: 'binance', symbol: 'BTC/USDT', from: T0 + 5000, to: T0 + 8000 })).toEqual(ticks.slice(5, 8));
        const now = T0 + 30 * DAY_MS + 1200 * 1000;
        const report = await storage.applyRetention({ tickDays: 30 }, now);
        expect(report).toEqual({ ticksDeleted: 1200, cutoff: T0 + 1200 * 1000 });
        const left = await storage.ticks.read({ venue: 'binance', symbol: 'BTC/USDT' });
        expect(left.length).toBe(1300);
        expect(left[0]!.tradeId).toBe('t1200');
      });
    });

    describe('order journal', () => {
      it('replays a full lifecycle to the same state as the order itself', async () => {
        const storage = await open();
        const o = new OrderScript('O-1', { type: 'limit', price: 100, size: { base: 2 } });
        const events = [o.initialized(), o.submitted(T0 + 1), o.accepted(T0 + 2), o.updated(T0 + 3, 101), o.filled(T0 + 4, 0.5, 101), o.filled(T0 + 5, 1.5, 100.5)];
        for (const e of events) expect(await storage.orders.append(e)).toEqual({ appended: 1, duplicates: 0 });
        const expected = { ...o.order.snapshot(), venueOrderId: 'v-O-1' };
        expect(await storage.orders.get('O-1')).toEqual(expected);
        const state = await storage.orders.replay();
        expect(state.orders.get('O-1')).toEqual(expected);
        expect(state.events).toBe(6);
        expect(state.fills.map((f) => f.tradeId)).toEqual(['O-1-T1', 'O-1-T2']);
        expect(await storage.orders.fills({ orderId: 'O-1' })).toEqual(state.fills);
        expect((await storage.orders.events({ orderId: 'O-1' })).map((e) => e.event)).toEqual(events);
        expect(await storage.orders.verify()).toEqual({ ok: true, orders: 1, events: 6, problems: [] });
      });

      it('keeps NaN average fill price and unresolved quantity through the round trip', async () => {
        const storage = await open();
        const o = new OrderScript('O-q', { size: { quote: 500 } });
        await storage.orders.appendBatch([o.initialized(), o.submitted(T0 + 1)]);
        const stored = await storage.orders.get('O-q');
        expect(stored?.avgFillPrice).toBeNaN();
        expect(stored?.quantity).toBeUndefined();
        expect(stored?.size).toEqual({ quote: 500 });
      });

      it('treats a re-sent event as a duplicate and stores it once', async () => {
        const storage = await open();
        const o = new OrderScript('O-2');
        const events = [o.initialized(), o.submitted(T0 + 1), o.accepted(T0 + 2), o.filled(T0 + 3, 1, 100)];
        await storage.orders.appendBatch(events);
        expect(await storage.orders.appendBatch(events)).toEqual({ appended: 0, duplicates: 4 });
        expect(await storage.orders.append(events[3]!)).toEqual({ appended: 0, duplicates: 1 });
        expect((await storage.orders.events()).length).toBe(4);
        expect((await storage.orders.fills()).length).toBe(1);
      });

      it('refuses a different event under an identity already stored', async () => {
        const storage = await open();
        const o = new OrderScript('O-3');
        await storage.orders.appendBatch([o.initialized(), o.submitted(T0 + 1)]);
        const other = new OrderScript('O-3', { side: 'sell' });
        await expect(storage.orders.append(other.initialized())).rejects.toThrow(JournalError);
      });

      it('refuses events for unknown orders and illegal transitions, and stores none of the batch', async () => {
        const storage = await open();
        const o = new OrderScript('O-4');
        const init = o.initialized();
        const submitted = o.submitted(T0 + 1);
        await expect(storage.orders.append(submitted)).rejects.toThrow(/never seen/);
        const fill = { tradeId: 'X-1', orderId: 'O-4', clientOrderId: 'c-O-4', symbol: 'BTC/USDT', side: 'buy' as const, quantity: 1, price: 100, fee: 0, liquidity: 'taker' as const, time: T0 + 2 };
        const filledTooEarly = orderEvent('order.filled', { id: 'O-4', clientOrderId: 'c-O-4', symbol: 'BTC/USDT', status: 'filled' }, T0 + 2, { fill, filledQuantity: 1, avgFillPrice: 100 });
        await expect(storage.orders.appendBatch([init, filledTooEarly])).rejects.toThrow(/illegal transition initialized → filled/);
        expect(await storage.orders.events()).toEqual([]);
        expect(await storage.orders.get('O-4')).toBeUndefined();
        await storage.orders.appendBatch([init, submitted]);
        expect((await storage.orders.get('O-4'))?.status).toBe('submitted');
      });

      it('lists orders by status, with open meaning still able to fill', async () => {
        const storage = await open();
        const a = new OrderScript('A');
        const b = new OrderScript('B', { symbol: 'ETH/USDT' });
        const c = new OrderScript('C');
        await storage.orders.appendBatch([
          a.initialized(), a.submitted(T0 + 1), a.accepted(T0 + 2),
          b.initialized(), b.submitted(T0 + 1), b.rejected(T0 + 2),
          c.initialized(), c.submitted(T0 + 1), c.accepted(T0 + 2), c.canceled(T0 + 3),
        ]);
        expect((await storage.orders.list({ status: 'open' })).map((o) => o.id)).toEqual(['A']);
        expect((await storage.orders.list({ status: ['rejected', 'canceled'] })).map((o) => o.id).sort()).toEqual(['B', 'C']);
        expect((await storage.orders.list({ symbol: 'ETH/USDT' }))[0]?.reason).toBe('insufficient margin');
        expect((await storage.orders.list()).length).toBe(3);
      });

      it('stores every event in order when fed synchronously through a JournalWriter, as the bus does', async () => {
        const storage = await open();
        const writer = new JournalWriter(storage.orders);
        const scripts = Array.from({ length: 40 }, (_, i) => new OrderScript(`W-${i}`, { size: { base: 2 } }));
        const published = [];
        for (const s of scripts) published.push(s.initialized(), s.submitted(T0 + 1));
        for (const s of scripts) published.push(s.accepted(T0 + 2), s.filled(T0 + 3, 1, 100), s.filled(T0 + 4, 1, 101));
        for (const e of published) writer.append(e);
        await writer.flush();
        expect((await storage.orders.events()).map((e) => e.event)).toEqual(published);
        for (const s of scripts) expect(await storage.orders.get(s.order.id)).toEqual({ ...s.order.snapshot(), venueOrderId: `v-${s.order.id}` });
      });

      it('replays up to a sequence number', async () => {
        const storage = await open();
        const o = new OrderScript('O-5');
        await storage.orders.appendBatch([o.initialized(), o.submitted(T0 + 1), o.accepted(T0 + 2)]);
        const entries = await storage.orders.events();
        const partial = await storage.orders.replay({ untilSeq: entries[1]!.seq });
        expect(partial.orders.get('O-5')?.status).toBe('submitted');
        expect(partial.lastSeq).toBe(entries[1]!.seq);
      });

      it('replays random interleaved lifecycles to the orders\' own state (property)', async () => {
        const storage = await open();
        let round = 0;
        const step = fc.constantFrom('fill', 'cancel', 'update', 'reject', 'expire');
        await fc.assert(fc.asyncProperty(fc.array(fc.array(step, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.boolean(), async (plans, batch) => {
          round++;
          const scripts = plans.map((_, i) => new OrderScript(`R${round}-${i}`, { size: { base: 3 } }));
          const queues = scripts.map((s, i) => {
            let t = T0;
            const out = [s.initialized(), s.submitted(++t)];
            for (const action of plans[i]!) {
              const status = s.order.status;
              if (status === 'submitted' && action === 'reject') { out.push(s.rejected(++t)); break; }
              if (status === 'submitted') out.push(s.accepted(++t));
              if (action === 'fill') out.push(s.filled(++t, 1, 100 + t - T0));
              else if (action === 'cancel') out.push(s.canceled(++t));
              else if (action === 'expire') out.push(s.expired(++t));
              else if (action === 'update') out.push(s.updated(++t, 90 + (t % 7)));
              if (s.order.status === 'filled' || s.order.status === 'canceled' || s.order.status === 'expired') break;
            }
            return out;
          });
          // Interleave the orders' events as a busy engine would publish them.
          const all = [];
          for (let k = 0; queues.some((q) => k < q.length); k++) for (const q of queues) if (k < q.length) all.push(q[k]!);
          if (batch) await storage.orders.appendBatch(all);
          else for (const e of all) await storage.orders.append(e);
          const state = await storage.orders.replay();
          for (const s of scripts) {
            const { venueOrderId: _v, ...replayed } = state.orders.get(s.order.id)!;
            expect(replayed).toEqual(s.order.snapshot());
            expect(await storage.orders.get(s.order.id)).toEqual(state.orders.get(s.order.id));
          }
        }), { numRuns: 20 });
        expect((await storage.orders.verify()).ok).toBe(true);
      });
    });

    describe('snapshots', () => {
      it('stores positions and accounts and returns the latest, NaN fields included', async () => {
        const storage = await open();
        const long = new Position('BTC/USDT');
        long.applyFill({ tradeId: 't', orderId: 'o', clientOrderId: 'c', symbol: 'BTC/USDT', side: 'buy', quantity: 0.5, price: 42_000, fee: 21, liquidity: 'taker', time: T0 });
        const flat = new Position('ETH/USDT');
        await storage.snapshots.savePositions('paper', T0, [long.snapshot(), flat.snapshot()]);
        await storage.snapshots.savePositions('paper', T0 + 60_000, [long.snapshot()]);
        const latest = await storage.snapshots.latestPositions('paper');
        expect(latest).toEqual({ time: T0 + 60_000, positions: [long.snapshot()] });
        await storage.snapshots.savePositions('paper', T0 + 120_000, []);
        expect(await storage.snapshots.latestPositions('paper')).toEqual({ time: T0 + 120_000, positions: [] });
        const first = await storage.snapshots.latestPositions('live');
        expect(first).toBeUndefined();

        const account = (equity: number): AccountView => ({
          type: 'margin', currency: 'USDT', leverage: 3, balance: 10_000, unrealizedPnl: equity - 10_000, equity, marginUsed: 1000,
          freeMargin: equity - 1000, buyingPower: (equity - 1000) * 3, grossLeverage: 0.3, feesPaid: 21, fundingPaid: 0,
        });
        await storage.snapshots.saveAccount('paper', T0, account(10_000));
        await storage.snapshots.saveAccount('paper', T0 + 1000, account(10_050));
        expect(await storage.snapshots.latestAccount('paper')).toEqual({ time: T0 + 1000, account: account(10_050) });
        expect((await storage.snapshots.accountHistory('paper', { from: T0 })).map((h) => h.account.equity)).toEqual([10_000, 10_050]);
        expect(flat.snapshot().avgPrice).toBeNaN();
      });
    });

    describe('AI tables', () => {
      it('stores a decision with every vote and fills in execution and outcome later', async () => {
        const storage = await open();
        const d = decision('D-1', T0);
        await storage.decisions.record(d);
        expect(await storage.decisions.get('D-1')).toEqual({ ...d, votes: [...d.votes].sort((a, b) => a.head.localeCompare(b.head)) });
        await storage.decisions.markExecuted('D-1', T0 + 5, 'O-9');
        await storage.decisions.setOutcome('D-1', 'win', 123.5);
        expect(await storage.decisions.get('D-1')).toMatchObject({ executedAt: T0 + 5, orderId: 'O-9', outcome: 'win', pnl: 123.5 });
        await expect(storage.decisions.record(d)).rejects.toThrow(StorageConstraintError);
        await expect(storage.decisions.setOutcome('nope', 'loss', -1)).rejects.toThrow(/no decision nope/);
      });

      it('refuses a decision whose confidence or votes are out of range, storing nothing', async () => {
        const storage = await open();
        await expect(storage.decisions.record(decision('D-x', T0, { confidence: 1.5 }))).rejects.toThrow(/confidence must be in \[0, 1\]/);
        await expect(storage.decisions.record(decision('D-y', T0, { votes: [vote('a', 2, 0.5)] }))).rejects.toThrow(/vote a: direction/);
        await expect(storage.decisions.record(decision('D-z', T0, { votes: [vote('a', 1, 0.5), vote('a', 1, 0.5)] }))).rejects.toThrow(/two votes/);
        expect(await storage.decisions.list()).toEqual([]);
      });

      it('lists decisions newest first with filters', async () => {
        const storage = await open();
        await storage.decisions.record(decision('D-1', T0));
        await storage.decisions.record(decision('D-2', T0 + 1, { symbol: 'ETH/USDT', votes: [] }));
        await storage.decisions.record(decision('D-3', T0 + 2, { strategy: 'scalper' }));
        expect((await storage.decisions.list()).map((d) => d.id)).toEqual(['D-3', 'D-2', 'D-1']);
        expect((await storage.decisions.list({ symbol: 'BTC/USDT' })).map((d) => d.id)).toEqual(['D-3', 'D-1']);
        expect((await storage.decisions.list({ strategy: 'scalper' })).map((d) => d.id)).toEqual(['D-3']);
        expect((await storage.decisions.list({ from: T0 + 1, limit: 1 })).map((d) => d.id)).toEqual(['D-3']);
        expect((await storage.decisions.get('D-2'))?.votes).toEqual([]);
      });

      it('persists learned head weights and records each update as a learning event', async () => {
        const storage = await open();
        await storage.learning.saveWeights('ensemble', [{ head: 'technical', weight: 0.5, samples: 10, updatedAt: T0 }, { head: 'sentiment', weight: 0.5, samples: 10, updatedAt: T0 }]);
        await storage.learning.saveWeights('ensemble', [{ head: 'technical', weight: 0.7, samples: 11, updatedAt: T0 + 1 }], 'hedge update');
        expect(await storage.learning.weights('ensemble')).toEqual([
          { head: 'sentiment', weight: 0.5, samples: 10, updatedAt: T0 },
          { head: 'technical', weight: 0.7, samples: 11, updatedAt: T0 + 1 },
        ]);
        expect(await storage.learning.weights('other')).toEqual([]);
        const events = await storage.learning.events({ kind: 'weights.updated', subject: 'ensemble' });
        expect(events.map((e) => e.payload)).toEqual([{ weights: { technical: 0.5, sentiment: 0.5 } }, { weights: { technical: 0.7 }, reason: 'hedge update' }]);
        const id = await storage.learning.record({ time: T0 + 2, kind: 'calibration.fitted', subject: 'technical', payload: { method: 'isotonic', points: [[0.5, 0.45]] } });
        expect((await storage.learning.events({ kind: 'calibration.fitted' }))[0]).toEqual({ id, time: T0 + 2, kind: 'calibration.fitted', subject: 'technical', payload: { method: 'isotonic', points: [[0.5, 0.45]] } });
        await expect(storage.learning.saveWeights('ensemble', [{ head: 'x', weight: Number.NaN, samples: 0, updatedAt: T0 }])).rejects.toThrow(StorageConstraintError);
      });

      it('records predictions and fills in their outcome later', async () => {
        const storage = await open();
        const p = { id: 'P-1', modelName: 'gbdt', modelVersion: '3', symbol: 'BTC/USDT', timeframe: '1h', predictedAt: T0, targetTime: T0 + 3_600_000, prediction: 0.012, confidence: 0.64, features: { rsi_14: 41 } };
        await storage.predictions.record(p);
        await storage.predictions.record({ ...p, id: 'P-2', targetTime: T0 + 7_200_000 });
        expect((await storage.predictions.unresolved(T0 + 3_600_001)).map((x) => x.id)).toEqual(['P-1']);
        await storage.predictions.resolve('P-1', { actual: 0.008, resolvedAt: T0 + 3_600_000, correct: true });
        expect(await storage.predictions.unresolved(T0 + 3_600_001)).toEqual([]);
        expect((await storage.predictions.list({ modelName: 'gbdt' }))[0]).toEqual({ ...p, actual: 0.008, resolvedAt: T0 + 3_600_000, correct: true });
      });

      it('stores TradingView signals as received and updates their status', async () => {
        const storage = await open();
        const s = {
          id: 'TV-1', receivedAt: T0, ticker: 'BTCUSDT', action: 'buy', price: 42_000, strategy: 'breakout', timeframe: '15', indicators: { rsi: 35 },
          payload: { ticker: 'BTCUSDT', action: 'buy', price: '42000', extra: [1, 2] }, confidence: 0.7, shouldExecute: true, recommendedPositionSize: 0.05,
          reasoning: { sources: ['tradingview'], consensus_score: 0.8 }, status: 'received' as const,
        };
        await storage.tradingView.record(s);
        await storage.tradingView.record({ id: 'TV-2', receivedAt: T0 + 1, ticker: 'ETHUSDT', action: 'sell', payload: {}, status: 'received' });
        expect(await storage.tradingView.get('TV-1')).toEqual(s);
        await storage.tradingView.setStatus('TV-1', 'executed', 'D-7');
        expect(await storage.tradingView.get('TV-1')).toMatchObject({ status: 'executed', decisionId: 'D-7' });
        expect((await storage.tradingView.list()).map((x) => x.id)).toEqual(['TV-2', 'TV-1']);
        expect((await storage.tradingView.list({ ticker: 'ETHUSDT' }))[0]).toEqual({ id: 'TV-2', receivedAt: T0 + 1, ticker: 'ETHUSDT', action: 'sell', payload: {}, status: 'received' });
      });

      it('summarises signal performance per source', async () => {
        const storage = await open();
        const row = (source: string, correct: boolean, realizedReturn: number, signalTime = T0) => ({
          source, symbol: 'BTC/USDT', signalTime, direction: 1, confidence: 0.7, horizonMs: 3_600_000, entryPrice: 100, exitPrice: 100 * (1 + realizedReturn), realizedReturn, correct, evaluatedAt: signalTime + 3_600_000,
        });
        await storage.signalPerformance.record([row('technical', true, 0.02), row('technical', false, -0.01), row('technical', true, 0.02), row('sentiment', false, -0.03, T0 + 10)]);
        const summary = await storage.signalPerformance.summary();
        expect(summary.map((s) => s.source)).toEqual(['sentiment', 'technical']);
        expect(summary[1]).toMatchObject({ signals: 3, hits: 2 });
        expect(summary[1]!.hitRate).toBeCloseTo(2 / 3, 12);
        expect(summary[1]!.meanReturn).toBeCloseTo(0.01, 12);
        expect(await storage.signalPerformance.summary({ since: T0 + 5 })).toEqual([{ source: 'sentiment', signals: 1, hits: 0, hitRate: 0, meanReturn: -0.03 }]);
        expect((await storage.signalPerformance.list({ source: 'sentiment' }))[0]).toEqual(row('sentiment', false, -0.03, T0 + 10));
      });

      it('answers which market regime was in force at a time', async () => {
        const storage = await open();
        await storage.regimes.record({ symbol: 'BTC/USDT', timeframe: '1h', time: T0, regime: 'ranging', confidence: 0.6 });
        await storage.regimes.record({ symbol: 'BTC/USDT', timeframe: '1h', time: T0 + 10, regime: 'trending-up', confidence: 0.8, features: { adx: 31 } });
        expect((await storage.regimes.current('BTC/USDT', '1h', T0 + 5))?.regime).toBe('ranging');
        expect(await storage.regimes.current('BTC/USDT', '1h')).toEqual({ symbol: 'BTC/USDT', timeframe: '1h', time: T0 + 10, regime: 'trending-up', confidence: 0.8, features: { adx: 31 } });
        expect(await storage.regimes.current('BTC/USDT', '1h', T0 - 1)).toBeUndefined();
        expect((await storage.regimes.list({ symbol: 'BTC/USDT', timeframe: '1h' })).length).toBe(2);
      });

      it('keeps a model registry with stages and performance history', async () => {
        const storage = await open();
        const m = { name: 'btc-gbdt', version: '1', kind: 'gbdt', parameters: { depth: 6, lr: 0.05 }, metrics: { auc: 0.61 }, artifactUri: 'file://models/btc-gbdt-1.json', stage: 'research' as const, createdAt: T0 };
        await storage.models.register(m);
        await storage.models.register({ ...m, version: '2', createdAt: T0 + 1, description: 'more features' });
        await expect(storage.models.register(m)).rejects.toThrow(/already registered/);
        expect((await storage.models.get('btc-gbdt'))?.version).toBe('2');
        await storage.models.setStage('btc-gbdt', '1', 'live', T0 + 2);
        expect(await storage.models.get('btc-gbdt', undefined, 'live')).toEqual({ ...m, stage: 'live', updatedAt: T0 + 2 });
        expect((await storage.models.list({ stage: 'research' })).map((x) => x.version)).toEqual(['2']);
        await expect(storage.models.setStage('btc-gbdt', '1', 'production' as never, T0)).rejects.toThrow(/stage must be one of research, paper, live/);
        await storage.models.recordPerformance({ modelName: 'btc-gbdt', modelVersion: '1', evaluatedAt: T0 + 3, split: 'test', periodStart: T0 - DAY_MS, periodEnd: T0, metrics: { sharpe: 1.1 } });
        expect(await storage.models.performance('btc-gbdt')).toEqual([{ modelName: 'btc-gbdt', modelVersion: '1', evaluatedAt: T0 + 3, split: 'test', periodStart: T0 - DAY_MS, periodEnd: T0, metrics: { sharpe: 1.1 } }]);
      });

      it('stores feature rows and replaces them by time', async () => {
        const storage = await open();
        await storage.features.put('core-v1', 'BTC/USDT', '1h', [{ time: T0, values: { rsi_14: 30, atr: 12.5 } }, { time: T0 + 3_600_000, values: { rsi_14: 35, atr: 12 } }]);
        await storage.features.put('core-v1', 'BTC/USDT', '1h', [{ time: T0, values: { rsi_14: 31, atr: 12.5 } }]);
        expect(await storage.features.get('core-v1', 'BTC/USDT', '1h')).toEqual([{ time: T0, values: { rsi_14: 31, atr: 12.5 } }, { time: T0 + 3_600_000, values: { rsi_14: 35, atr: 12 } }]);
        expect(await storage.features.get('core-v1', 'BTC/USDT', '1h', { from: T0 + 1 })).toHaveLength(1);
      });

      it('records the evolution of a strategy\'s parameters', async () => {
        const storage = await open();
        await storage.strategyEvolution.record({ strategy: 'ema-cross', version: 1, parameters: { fast: 12, slow: 26 }, createdAt: T0 });
        await storage.strategyEvolution.record({ strategy: 'ema-cross', version: 2, parentVersion: 1, parameters: { fast: 10, slow: 30 }, metrics: { sharpe: 1.3 }, reason: 'walk-forward', createdAt: T0 + 1 });
        await expect(storage.strategyEvolution.record({ strategy: 'ema-cross', version: 2, parameters: {}, createdAt: T0 })).rejects.toThrow(StorageConstraintError);
        expect((await storage.strategyEvolution.history('ema-cross')).map((v) => [v.version, v.parentVersion])).toEqual([[1, undefined], [2, 1]]);
      });
    });

    describe('backtest runs', () => {
      it('stores a run with its config, metrics and trades', async () => {
        const storage = await open();
        const trade: ClosedTrade = {
          id: 'T-1', symbol: 'BTC/USDT', side: 'long', entryTime: T0, entryPrice: 100, exitTime: T0 + 60_000, exitPrice: 110, quantity: 1,
          pnl: 9.8, grossPnl: 10, fees: 0.2, carry: 0, returnPct: 0.098, exitReason: 'roi', entryTag: 'breakout', bars: 2,
        };
        const run = { id: 'BT-1', strategy: 'ema-cross', createdAt: T0, config: { fast: 12, fee: 0.001 }, metrics: { sharpe: 1.2, maxDrawdown: Number.NaN }, periodStart: T0, periodEnd: T0 + DAY_MS, trades: [trade, { ...trade, id: 'T-2', side: 'short' as const, entryTag: undefined }] };
        const { entryTag: _e, ...second } = { ...trade, id: 'T-2', side: 'short' as const };
        await storage.backtests.save(run);
        expect(await storage.backtests.get('BT-1')).toEqual({ ...run, trades: [trade, second] });
        await storage.backtests.save({ ...run, id: 'BT-2', createdAt: T0 + 1, trades: [], note: 'no trades' });
        expect((await storage.backtests.list()).map((r) => [r.id, r.tradeCount])).toEqual([['BT-2', 0], ['BT-1', 2]]);
        await expect(storage.backtests.save(run)).rejects.toThrow(/already stored/);
        expect(await storage.backtests.get('missing')).toBeUndefined();
      });
    });

    describe('audit log', () => {
      it('appends hash-chained entries and verifies the chain', async () => {
        const storage = await open();
        const a = await storage.audit.append({ time: T0, actor: 'api-key:ops', action: 'config.changed', subject: 'risk.maxPositionPct', details: { from: 0.1, to: 0.2 } });
        const b = await storage.audit.append({ time: T0 + 1, actor: 'risk-engine', action: 'trading-state.changed', details: { to: 'HALTED', reason: 'daily loss' } });
        expect(b.seq).toBeGreaterThan(a.seq);
        expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await storage.audit.list({ actor: 'risk-engine' })).toEqual([b]);
        expect(await storage.audit.list()).toEqual([a, b]);
        expect(await storage.audit.verify()).toEqual({ ok: true, entries: 2 });
      });
    });
  });
}
