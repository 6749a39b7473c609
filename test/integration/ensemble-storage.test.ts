/**
 * The decision core through the storage port, on SQLite and PostgreSQL: every decision lands in
 * `ai_decisions` with all its votes (faulted heads included, with their errors) and reads back
 * equal; executions and outcomes are filled in; the learned weights and calibrations are saved as
 * they change and a new ensemble restored from them continues where the first stopped; scored
 * signals land in `signal_performance`. PostgreSQL runs when a server answers (else skipped with
 * one line; a failure under CI=true).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Ensemble, type EnsembleOptions } from '../../src/consensus/ensemble.js';
import { toDecisionRecord, type Decision } from '../../src/consensus/decision.js';
import { BarSeries } from '../../src/data/series.js';
import { flatPortfolio } from '../../src/heads/replay.js';
import type { Signal, SignalHead } from '../../src/heads/signal.js';
import { barsFromCloses, randomWalk } from '../../src/heads/test-bars.js';
import type { OrderView } from '../../src/model/order.js';
import { Position } from '../../src/model/position.js';
import type { ClosedTrade } from '../../src/model/trade.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { postgresForTests } from '../kit/services.js';
import { tempDir } from '../kit/tmp.js';

const HOUR = 3_600_000;
const dir = tempDir('arbiter-ensemble-storage-');
const pg = await postgresForTests('ensemble-storage');
afterAll(async () => {
  dir.remove();
  await pg?.drop();
});

const closes = randomWalk(400, 21, 0, 0.01);
const table = barsFromCloses(closes, { symbol: 'BTC/USDT' });

function heads(): SignalHead[] {
  let n = 0;
  const sig = (direction: number, confidence: number, extra: Record<string, number | string | null> = {}): Signal => ({ direction, confidence, horizonMs: 2 * HOUR, reason: `direction ${direction}`, inputs: { n, ...extra } });
  return [
    { id: 'trend', kind: 'test', evaluate: (ctx) => sig(ctx.bar.close > ctx.bar.open ? 1 : -1, 0.8, { close: ctx.bar.close, missing: null }) },
    { id: 'contrarian', kind: 'test', evaluate: (ctx) => sig(ctx.bar.close > ctx.bar.open ? -0.5 : 0.5, 0.72) },
    { id: 'flaky', kind: 'test', evaluate: () => { n++; if (n % 3 === 0) throw new Error(`feed gap ${n}`); return sig(1, 0.9); } },
  ];
}

const options = (storage: Storage, extra: Partial<EnsembleOptions> = {}): EnsembleOptions => ({
  name: 'ensemble-storage', timeframe: '1h', heads: heads(), storage, idPrefix: 'run1-',
  consensus: { mode: 'weighted', minConfidence: 0.6, targetConfidence: 0.8, minScore: 0.1 },
  learning: { calibration: 'isotonic', minSamples: 30, refitEvery: 30 },
  ...extra,
});

/** Runs the ensemble; enters on every buy and closes the trade two bars later (a fake portfolio). */
function run(ensemble: Ensemble, bars = table.length): Decision[] {
  const series = new BarSeries(table.symbol, '1h', 1000);
  const position = new Position(table.symbol);
  const trades: ClosedTrade[] = [];
  const portfolio = { ...flatPortfolio(), position: () => position, trades };
  const open: Array<{ decision: Decision; until: number; price: number }> = [];
  const out: Decision[] = [];
  for (let i = 0; i < bars; i++) {
    const bar = table.bar(i);
    series.append(bar);
    const time = bar.time + HOUR;
    for (const o of open.splice(0).filter((x) => (x.until > time ? (open.push(x), false) : true))) {
      const pnl = (bar.close - o.price) * 0.1;
      trades.push({ id: `T-${trades.length + 1}`, symbol: table.symbol, side: 'long', entryTime: o.decision.time, entryPrice: o.price, exitTime: time, exitPrice: bar.close, quantity: 0.1, pnl, grossPnl: pnl, fees: 0, carry: 0, returnPct: pnl / o.price, exitReason: 'test', entryTag: o.decision.id, bars: 2 });
    }
    const d = ensemble.onBar(bar, { time, portfolio, position: () => position, series: () => series });
    if (!d) continue;
    out.push(d);
    if (d.action === 'buy') {
      ensemble.executed(d, { id: `O-${out.length}`, createdAt: time, status: 'submitted' } as OrderView);
      open.push({ decision: d, until: time + 2 * HOUR, price: bar.close });
    }
  }
  return out;
}

function suite(name: string, open: () => Promise<Storage>): void {
  describe(`ensemble storage: ${name}`, () => {
    it('stores every decision with all its votes, and they read back equal', async () => {
      const storage = await open();
      try {
        const ensemble = new Ensemble(options(storage));
        const decisions = run(ensemble, 60);
        await ensemble.flush();
        expect(ensemble.writes.failures).toBe(0);
        const stored = await storage.decisions.list({ strategy: 'ensemble-storage', limit: 1000 });
        expect(stored).toHaveLength(decisions.length);
        const faulted = decisions.find((d) => d.faulted.length > 0)!;
        const back = (await storage.decisions.get(faulted.id))!;
        expect(back.votes.find((v) => v.head === 'flaky')).toMatchObject({ status: 'faulted', error: expect.stringMatching(/^threw: feed gap \d+$/) });
        const byHead = (votes: readonly { head: string }[]) => [...votes].sort((a, b) => a.head.localeCompare(b.head));
        for (const d of decisions) {
          const expected = toDecisionRecord(d);
          const got = (await storage.decisions.get(d.id))!;
          const { executedAt: _e, orderId: _o, outcome: _out, pnl: _p, ...rest } = got;
          const { outcome: _x, ...want } = expected;
          expect({ ...rest, votes: byHead(rest.votes) }).toEqual({ ...want, votes: byHead(want.votes) });
        }
      } finally {
        await storage.close();
      }
    });

    it('fills in execution and outcome of the decisions that traded', async () => {
      const storage = await open();
      try {
        const ensemble = new Ensemble(options(storage));
        const decisions = run(ensemble, 120);
        await ensemble.flush();
        const buys = decisions.filter((d) => d.action === 'buy');
        expect(buys.length).toBeGreaterThan(3);
        const settled = await Promise.all(buys.slice(0, -1).map((d) => storage.decisions.get(d.id)));
        for (const [k, row] of settled.entries()) {
          expect(row).toMatchObject({ executedAt: buys[k]!.time, orderId: expect.stringMatching(/^O-/), outcome: expect.stringMatching(/^(win|loss)$/) });
          expect(row!.outcome === 'win').toBe(row!.pnl! > 0);
        }
      } finally {
        await storage.close();
      }
    });

    it('saves weights and calibrations as they learn; a restored ensemble continues from them', async () => {
      const storage = await open();
      try {
        const first = new Ensemble(options(storage));
        run(first, 300);
        await first.flush();
        const saved = await storage.learning.weights('ensemble-storage');
        expect(saved.map((w) => w.head)).toEqual(['contrarian', 'flaky', 'trend']);
        for (const w of saved) expect(w.weight).toBeCloseTo(first.weights()[w.head]!, 12);
        const events = await storage.learning.events({ kind: 'calibration.fitted' });
        expect(events.length).toBeGreaterThan(0);

        const second = new Ensemble(options(storage, { idPrefix: 'run2-' }));
        expect(await second.restore()).toEqual({ weights: 3, calibrations: 3 });
        expect(second.weights()).toEqual(first.weights());
        for (const head of ['trend', 'contrarian', 'flaky']) {
          for (const c of [0.72, 0.8, 0.9]) expect(second.calibrations.get(head)!.map(c)).toBeCloseTo(first.calibrations.get(head)!.map(c), 12);
        }
        const perf = await storage.signalPerformance.summary();
        expect(perf.map((p) => p.source).sort()).toEqual(['contrarian', 'flaky', 'trend']);
        expect(perf.every((p) => p.signals > 50 && p.hitRate >= 0 && p.hitRate <= 1)).toBe(true);
      } finally {
        await storage.close();
      }
    });
  });
}

let n = 0;
suite('SQLite', () => openStorage(`sqlite:${dir.file(`ensemble-${n++}.db`)}`));
if (pg) {
  let first = true;
  suite('PostgreSQL', async () => {
    const url = first ? pg.url : await pg.another();
    first = false;
    return openStorage(url);
  });
} else {
  describe.skip('ensemble storage: PostgreSQL (server not reachable)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
