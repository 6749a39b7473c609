import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../backtest/runner.js';
import { ConfigurationError } from '../../core/errors.js';
import { bundledDataPath, loadBars } from '../../data/index.js';
import { scalpingPresets } from './config.js';
import { ScalpingService, scalpingToggleSchema } from './service.js';

const eth = (await loadBars(bundledDataPath('ETH_BTC-5m.feather'))).table;
const FIVE_MIN = 300_000;

async function run(service: ScalpingService, start = true) {
  if (start) await service.start();
  const { report } = runBacktest({ data: [eth], strategy: service.strategy, sim: { fees: { maker: 0.0002, taker: 0.0005 } } });
  return report;
}

describe('the scalping presets on the same data (ETH/BTC 5m)', async () => {
  const conservative = new ScalpingService({ preset: 'conservative' });
  const aggressive = new ScalpingService({ preset: 'aggressive' });
  const c = await run(conservative);
  const a = await run(aggressive);

  it('trade differently: the aggressive one more often and larger', () => {
    expect(c.trades.length).toBeGreaterThan(0);
    expect(a.trades.length).toBeGreaterThan(c.trades.length);
    const notional = (r: typeof c) => Math.max(...r.trades.map((t) => t.quantity * t.entryPrice));
    expect(notional(a)).toBeGreaterThan(2 * notional(c));
    expect(a.trades.map((t) => t.entryTime)).not.toEqual(c.trades.map((t) => t.entryTime));
  });

  it('each keeps its own position-size cap and hold time', () => {
    for (const [report, preset] of [[c, 'conservative'], [a, 'aggressive']] as const) {
      const cfg = scalpingPresets[preset];
      const maxEquity = Math.max(...report.equity.map(([, e]) => e));
      for (const t of report.trades) {
        expect(t.quantity * t.entryPrice, `${preset} ${t.id}`).toBeLessThanOrEqual(cfg.maxPositionSize * maxEquity * (1 + 1e-9));
        // Closed at the first bar close past the hold time (fill at the next open): at most one bar more.
        if (t.exitReason !== 'force_exit') expect(t.exitTime - t.entryTime, `${preset} ${t.id}`).toBeLessThanOrEqual(cfg.holdTimeMs + FIVE_MIN);
        expect(['stop_loss', 'take_profit', 'hold_time', 'consensus', 'force_exit']).toContain(t.exitReason);
      }
    }
    expect(c.trades.some((t) => t.exitReason === 'hold_time')).toBe(true);
  });

  it('reports status in the API shape', () => {
    const s = conservative.status();
    expect(s).toMatchObject({ enabled: true, preset: 'conservative', symbols: ['ETH/BTC'], openPositions: [], today: { lossLimit: 0.01, halted: false } });
    expect(s.scans).toBeGreaterThan(1000);
    expect(s.trades.total).toBe(c.trades.length);
    expect(s.trades.pnl).toBeCloseTo(c.trades.reduce((x, t) => x + t.pnl, 0), 9);
    expect(s.decisions.buy).toBeGreaterThanOrEqual(c.trades.length);
    expect(s.heads.map((h) => h.id)).toEqual(['technical', 'orderflow', 'rules']);
    expect(s.lastDecision).toMatchObject({ symbol: 'ETH/BTC', action: expect.any(String) });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('the scalping service', () => {
  it('does not enter while stopped, and counts what it skipped', async () => {
    const service = new ScalpingService({ preset: 'aggressive' });
    const report = await run(service, false);
    expect(report.trades).toHaveLength(0);
    expect(service.status().enabled).toBe(false);
    expect(service.status().skipped.disabled).toBeGreaterThan(0);
  });

  it('closes out and stops entering for the day when the daily loss limit is hit', async () => {
    const service = new ScalpingService({ preset: 'aggressive', maxDailyLoss: 0.0002 });
    const report = await run(service);
    const halts = report.trades.filter((t) => t.exitReason === 'daily_loss');
    const skipped = service.status().skipped['daily loss limit'] ?? 0;
    expect(halts.length + skipped).toBeGreaterThan(0);
    // After a daily_loss exit no trade opens again the same UTC day.
    for (const h of halts) {
      const day = Math.floor(h.exitTime / 86_400_000);
      expect(report.trades.filter((t) => t.entryTime > h.exitTime && Math.floor(t.entryTime / 86_400_000) === day)).toEqual([]);
    }
  });

  it('toggles on and off as the API asks', async () => {
    const service = new ScalpingService({ preset: 'conservative' });
    expect((await service.toggle(true)).enabled).toBe(true);
    expect((await service.toggle(false)).enabled).toBe(false);
    await expect(service.toggle('yes' as unknown as boolean)).rejects.toThrow('enabled: must be true or false, got "yes"');
    expect(scalpingToggleSchema.safeParse({ enabled: true }).success).toBe(true);
    expect(scalpingToggleSchema.safeParse({ enabled: 'true' }).success).toBe(false);
    expect(scalpingToggleSchema.safeParse({ enabled: true, extra: 1 }).success).toBe(false);
  });

  it('validates its settings, naming the key', () => {
    expect(() => new ScalpingService({ preset: 'conservative', maxDailyLoss: 2 })).toThrow('scalping.maxDailyLoss');
    expect(() => new ScalpingService({ preset: 'medium' as 'conservative' })).toThrow('scalping.preset: unknown preset "medium"; presets: conservative, aggressive');
    expect(() => new ScalpingService({ preset: 'aggressive', turbo: true } as never)).toThrow(ConfigurationError);
    expect(new ScalpingService({ preset: 'aggressive', maxPositions: 1 }).preset).toBe('custom');
  });
});
