/**
 * The risk engine's audit port is the storage layer's audit log: `storage.audit` plugs in as it
 * is. Trading-state changes and breaker trips from a backtest land in SQLite's append-only,
 * hash-chained audit_log, in order, with actor and reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import type { AuditSink } from '../../src/risk/audit.js';
import { openStorage } from '../../src/storage/open.js';
import { scripted } from '../kit/scripted.js';
import { tempDir } from '../kit/tmp.js';

const dir = tempDir('arbiter-risk-audit-');
afterAll(() => dir.remove());

describe('risk audit records in the storage audit log', () => {
  it('stores breaker trips, resets and manual changes in order, with a valid hash chain', async () => {
    const storage = await openStorage(`sqlite:${dir.file('audit.db')}`);
    try {
      const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
      const churn = scripted({}, { onEveryBar: (ctx) => (ctx.position().quantity === 0 ? ctx.enterLong() : ctx.exitLong()) });
      const sink: AuditSink = storage.audit;
      const { kernel } = runBacktest({
        data: [btc], strategy: churn, instruments: [{ symbol: btc.symbol, takerFee: 0.001 }], audit: sink,
        risk: { breakers: { dailyLoss: { maxLossFraction: 0.01 } } },
      });
      kernel.risk.setTradingState('HALTED', 'alice', 'end of test');
      await kernel.risk.flushAudit();

      const entries = await storage.audit.list({ limit: 10_000 });
      const fromRisk = entries.filter((e) => ['breaker.tripped', 'breaker.reset', 'trading-state.changed', 'trading-state.set'].includes(e.action));
      expect(fromRisk.length).toBeGreaterThan(4);
      expect(fromRisk.slice(0, 2).map((e) => [e.action, e.actor, e.subject])).toEqual([
        ['breaker.tripped', 'risk-engine', 'daily-loss'],
        ['trading-state.changed', 'risk-engine', 'trading-state'],
      ]);
      expect(fromRisk.at(-1)).toMatchObject({ action: 'trading-state.set', actor: 'alice', details: { requested: 'HALTED', reason: 'end of test' } });
      const times = fromRisk.map((e) => e.time);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(await storage.audit.verify()).toMatchObject({ ok: true });
      expect(kernel.risk.snapshot().auditFailures).toBe(0);
    } finally {
      await storage.close();
    }
  });
});
