/**
 * The daily-loss breaker in a real backtest: Binance BTC/USDT 1h candles of January 2025 (bundled),
 * a strategy that enters and exits on every bar paying 0.1% per side, and a 1% daily loss limit
 * that halts trading. The breaker must halt trading the day it trips and the next 00:00 UTC of the
 * simulated clock must resume it — every day it trips.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/runner.js';
import { DAY_MS, utcDayStart } from '../../src/core/time.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { MemoryAuditLog } from '../../src/risk/audit.js';
import { scripted } from '../kit/scripted.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const instruments = [{ symbol: btc.symbol, takerFee: 0.001, makerFee: 0.001 }];

/** In the market every other bar: enter when flat, exit when long. */
const churn = scripted({}, {
  name: 'churn',
  onEveryBar: (ctx) => {
    if (ctx.position().quantity === 0) ctx.enterLong();
    else ctx.exitLong();
  },
});

function run(withBreaker: boolean) {
  const audit = new MemoryAuditLog();
  const result = runBacktest({
    data: [btc], strategy: churn, instruments, cash: 10_000, audit,
    ...(withBreaker ? { risk: { breakers: { dailyLoss: { maxLossFraction: 0.01, action: 'HALTED' as const } } } } : {}),
  });
  return { ...result, audit };
}

describe('daily-loss breaker on real BTC/USDT 1h data', () => {
  const halted = run(true);
  const free = run(false);
  const trips = halted.audit.entries.filter((e) => e.action === 'breaker.tripped');
  const resets = halted.audit.entries.filter((e) => e.action === 'breaker.reset');
  const orders = halted.kernel.execution.all();

  it('trips on some days and not on others', () => {
    expect(trips.length).toBeGreaterThanOrEqual(3);
    const days = new Set(trips.map((t) => utcDayStart(t.time)));
    expect(days.size).toBe(trips.length);
    expect(days.size).toBeLessThan(31);
    for (const trip of trips) {
      expect(trip).toMatchObject({ actor: 'risk-engine', subject: 'daily-loss', details: { threshold: 0.01, action: 'HALTED' } });
      expect((trip.details as { value: number }).value).toBeGreaterThanOrEqual(0.01 - 1e-12);
    }
  });

  it('resets each trip at the next 00:00 UTC of the simulated clock', () => {
    for (const trip of trips) {
      const midnight = utcDayStart(trip.time) + DAY_MS;
      if (midnight > btc.time[btc.length - 1]! + 3_600_000) continue; // tripped on the last day
      const reset = resets.find((r) => r.time > trip.time);
      expect(reset?.time).toBe(midnight);
      expect((trip.details as { resetsAt: number }).resetsAt).toBe(midnight);
    }
  });

  it('denies every order between a trip and its reset, and trades again after the reset', () => {
    for (const trip of trips) {
      const midnight = utcDayStart(trip.time) + DAY_MS;
      const during = orders.filter((o) => o.createdAt > trip.time && o.createdAt < midnight);
      expect(during.length).toBeGreaterThan(0);
      for (const order of during) {
        expect(order.status).toBe('rejected');
        expect(order.reason).toMatch(/^trading-state: trading is halted \(held by daily-loss: daily loss \d+\.\d\d% of the day's starting equity/);
      }
      const after = orders.find((o) => o.createdAt >= midnight);
      if (after) {
        expect(after.createdAt).toBe(midnight);
        expect(after.status).not.toBe('rejected');
      }
    }
  });

  it('records the halts and resumptions as trading-state changes', () => {
    const changes = halted.audit.entries.filter((e) => e.action === 'trading-state.changed').map((e) => (e.details as { to: string }).to);
    expect(changes.filter((s) => s === 'HALTED')).toHaveLength(trips.length);
    expect(changes.filter((s) => s === 'ACTIVE').length).toBeGreaterThanOrEqual(trips.length - 1);
    expect(halted.kernel.risk.snapshot().denialCounts['trading-state']).toBeGreaterThan(0);
  });

  it('changes nothing without the breaker, which trades more', () => {
    expect(free.audit.entries).toHaveLength(0);
    expect(free.kernel.execution.all().every((o) => o.status !== 'rejected')).toBe(true);
    expect(free.report.trades.length).toBeGreaterThan(halted.report.trades.length);
  });
});
