import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time.js';
import type { Bar } from '../model/bar.js';
import { ConsecutiveLossBreaker, DailyLossBreaker, DrawdownBreaker, GasPriceGuard, VolatilityBreaker } from './breakers.js';
import { parseRiskConfig } from './config.js';

const day1 = Date.UTC(2025, 0, 1);

function breakers(input: Parameters<typeof parseRiskConfig>[0]) {
  return parseRiskConfig(input).breakers;
}

describe('DailyLossBreaker', () => {
  const config = breakers({ breakers: { dailyLoss: { maxLossFraction: 0.05 } } }).dailyLoss!;

  function observe(b: DailyLossBreaker, time: number, equity: number) {
    const reset = b.roll(time);
    return { reset, trip: b.observe(time, equity) };
  }

  it('trips when the loss since the start of the UTC day reaches the limit, not before', () => {
    const b = new DailyLossBreaker(config);
    observe(b, day1 + HOUR_MS, 10_000);
    expect(observe(b, day1 + 2 * HOUR_MS, 9_501).trip).toBeUndefined();
    const { trip } = observe(b, day1 + 3 * HOUR_MS, 9_500);
    expect(trip).toMatchObject({ value: 0.05, threshold: 0.05, resetsAt: day1 + DAY_MS });
    expect(b.trip?.reason).toContain('5.00%');
  });

  it('resets at 00:00 UTC and measures the new day from the equity at midnight', () => {
    const b = new DailyLossBreaker(config);
    observe(b, day1 + HOUR_MS, 10_000);
    observe(b, day1 + 3 * HOUR_MS, 9_000);
    expect(b.trip).not.toBeNull();
    expect(observe(b, day1 + DAY_MS - 1, 9_000).reset).toBeUndefined();
    expect(b.trip).not.toBeNull();
    // The close of the bar ending at 00:00 is the first observation of the new day: 8,900.
    const next = observe(b, day1 + DAY_MS, 8_900);
    expect(next.reset).toContain('2025-01-02');
    expect(next.trip).toBeUndefined();
    expect(b.trip).toBeNull();
    // 5% of 8,900 is 445: 8,456 is still fine, 8,455 trips.
    expect(observe(b, day1 + DAY_MS + HOUR_MS, 8_456).trip).toBeUndefined();
    expect(observe(b, day1 + DAY_MS + 2 * HOUR_MS, 8_455).trip).toBeDefined();
  });

  it('uses UTC days whatever the time of day the run starts', () => {
    const b = new DailyLossBreaker(config);
    const late = day1 + 23 * HOUR_MS + 59 * MINUTE_MS;
    observe(b, late, 10_000);
    observe(b, late + 30_000, 9_000);
    expect(b.trip?.resetsAt).toBe(day1 + DAY_MS);
  });

  it('trips on an absolute loss in the account currency', () => {
    const b = new DailyLossBreaker(breakers({ breakers: { dailyLoss: { maxLoss: 250 } } }).dailyLoss!);
    observe(b, day1, 10_000);
    expect(observe(b, day1 + 1, 9_751).trip).toBeUndefined();
    expect(observe(b, day1 + 2, 9_750).trip).toMatchObject({ value: 250, threshold: 250 });
  });

  it('a manual reset measures the rest of the day from the current equity', () => {
    const b = new DailyLossBreaker(config);
    observe(b, day1, 10_000);
    observe(b, day1 + 1, 9_000);
    b.reset();
    expect(observe(b, day1 + 2, 9_000).trip).toBeUndefined();
    expect(observe(b, day1 + 3, 8_550).trip).toBeDefined();
  });
});

describe('ConsecutiveLossBreaker', () => {
  const config = breakers({ breakers: { consecutiveLosses: { maxLosses: 3, cooldownMs: HOUR_MS } } }).consecutiveLosses!;

  it('trips on the third loss in a row; a win in between starts the count again', () => {
    const b = new ConsecutiveLossBreaker(config);
    expect(b.onTrade(1, -10)).toBeUndefined();
    expect(b.onTrade(2, -10)).toBeUndefined();
    expect(b.onTrade(3, 5)).toBeUndefined();
    expect(b.onTrade(4, -1)).toBeUndefined();
    expect(b.onTrade(5, -1)).toBeUndefined();
    expect(b.onTrade(6, -1)).toMatchObject({ value: 3, threshold: 3, resetsAt: 6 + HOUR_MS });
  });

  it('stays tripped for the cooldown, then resets with the count at zero', () => {
    const b = new ConsecutiveLossBreaker(config);
    for (let i = 0; i < 3; i++) b.onTrade(i, -1);
    expect(b.roll(2 + HOUR_MS - 1)).toBeUndefined();
    expect(b.trip).not.toBeNull();
    // Losses during the pause do not count toward the next streak.
    b.onTrade(100, -1);
    expect(b.roll(2 + HOUR_MS)).toContain('cooldown');
    expect(b.trip).toBeNull();
    expect(b.onTrade(2 + HOUR_MS + 1, -1)).toBeUndefined();
    expect(b.onTrade(2 + HOUR_MS + 2, -1)).toBeUndefined();
    expect(b.onTrade(2 + HOUR_MS + 3, -1)).toBeDefined();
  });

  it('counts a break-even trade as the end of a streak', () => {
    const b = new ConsecutiveLossBreaker(config);
    b.onTrade(1, -1);
    b.onTrade(2, -1);
    b.onTrade(3, 0);
    expect(b.onTrade(4, -1)).toBeUndefined();
  });
});

function bar(i: number, range: number, close = 100, symbol = 'BTC/USDT'): Bar {
  return { symbol, timeframe: '1h', time: day1 + i * HOUR_MS, open: close, high: close + range / 2, low: close - range / 2, close, volume: 1 };
}

describe('VolatilityBreaker', () => {
  const config = breakers({ breakers: { volatility: { measure: 'atr', period: 3, lookback: 5, maxRatio: 3, resetRatio: 2 } } }).volatility!;

  it('trips when ATR reaches maxRatio × its own recent mean and resets below resetRatio', () => {
    const b = new VolatilityBreaker(config);
    let i = 0;
    // ATR(3) is ready at the 4th bar; 5 values of history after that.
    for (; i < 9; i++) expect(b.onBar(bar(i, 1).time, bar(i, 1))).toBeUndefined();
    // One bar with a range of 10: ATR = (1·2 + 10)/3 = 4 = 4× the mean of 1.
    const trip = b.onBar(bar(i, 10).time, bar(i++, 10));
    expect(trip).toMatchObject({ threshold: 3, resetsAt: null });
    expect((trip as { value: number }).value).toBeCloseTo(4, 12);
    // Next calm bar: ATR = (4·2 + 1)/3 = 3; the mean of the last 5 is (1+1+1+1+4)/5 = 1.6 → 1.875×.
    const reset = b.onBar(bar(i, 1).time, bar(i++, 1));
    expect(reset).toContain('back below 2×');
    expect(b.trip).toBeNull();
  });

  it('does not trip on a steady market nor before the history is full', () => {
    const b = new VolatilityBreaker(config);
    expect(b.onBar(0, bar(0, 1))).toBeUndefined();
    expect(b.onBar(1, bar(1, 1))).toBeUndefined();
    expect(b.onBar(2, bar(2, 1))).toBeUndefined();
    // ATR's first value: no history to compare with yet, whatever it is.
    expect(b.onBar(3, bar(3, 50))).toBeUndefined();
    expect(b.trip).toBeNull();
  });

  it('holds for minHoldMs even when volatility falls back at once', () => {
    const b = new VolatilityBreaker({ ...config, minHoldMs: 3 * HOUR_MS });
    let i = 0;
    for (; i < 9; i++) b.onBar(bar(i, 1).time, bar(i, 1));
    const tripTime = bar(i, 10).time;
    b.onBar(tripTime, bar(i++, 10));
    expect(b.onBar(bar(i, 1).time, bar(i++, 1))).toBeUndefined();
    expect(b.trip).not.toBeNull();
    for (; bar(i, 1).time < tripTime + 3 * HOUR_MS; i++) b.onBar(bar(i, 1).time, bar(i, 1));
    expect(b.onBar(bar(i, 1).time, bar(i, 1))).toContain('back below');
  });

  it('measures σ of log returns with measure stdev', () => {
    const b = new VolatilityBreaker({ ...config, measure: 'stdev' });
    let i = 0;
    // Alternating ±1% moves: a steady σ.
    for (; i < 12; i++) b.onBar(i, bar(i, 1, i % 2 === 0 ? 100 : 101));
    const out = b.onBar(i, bar(i, 1, 130));
    expect(out).toMatchObject({ threshold: 3 });
    expect(b.reading().value).toBeGreaterThanOrEqual(3);
  });

  it('tracks symbols separately and names the spiking one', () => {
    const b = new VolatilityBreaker(config);
    for (let i = 0; i < 9; i++) {
      b.onBar(i, bar(i, 1, 100, 'A'));
      b.onBar(i, bar(i, 20, 100, 'B'));
    }
    const trip = b.onBar(9, bar(9, 10, 100, 'A'));
    expect(trip).toBeDefined();
    expect(b.trip?.reason).toMatch(/^A /);
    expect(b.reading().details.symbol).toBe('A');
  });
});

describe('DrawdownBreaker', () => {
  const config = breakers({ breakers: { maxDrawdown: { maxDrawdownFraction: 0.1 } } }).maxDrawdown!;

  it('trips at the drawdown from the high-water mark and stays tripped until reset', () => {
    const b = new DrawdownBreaker(config);
    b.observe(0, 10_000);
    b.observe(1, 12_000);
    expect(b.observe(2, 10_801)).toBeUndefined();
    expect(b.observe(3, 10_800)).toMatchObject({ threshold: 0.1, resetsAt: null });
    b.observe(4 * DAY_MS, 12_500);
    expect(b.trip).not.toBeNull();
    b.reset();
    expect(b.trip).toBeNull();
    // The reset makes the current equity the new mark: 12,500 → 11,250 is the next trip.
    expect(b.observe(5 * DAY_MS, 11_251)).toBeUndefined();
    expect(b.observe(5 * DAY_MS + 1, 11_250)).toBeDefined();
  });
});

describe('GasPriceGuard', () => {
  const config = breakers({ breakers: { gasPrice: { maxGwei: 50, venues: ['uniswap'], maxAgeMs: 60_000 } } }).gasPrice!;

  it('denies on-chain orders above the cap, without a price or with a stale one; other venues pass', () => {
    const g = new GasPriceGuard(config);
    expect(g.denial(0, 'uniswap')).toContain('no gas price');
    expect(g.denial(0, 'binance')).toBeUndefined();
    expect(g.observe(0, 80)).toMatchObject({ value: 80, threshold: 50 });
    expect(g.denial(1, 'uniswap')).toContain('80 gwei is above the cap 50');
    expect(g.observe(2, 30)).toContain('back under');
    expect(g.denial(3, 'uniswap')).toBeUndefined();
    expect(g.denial(2 + 60_001, 'uniswap')).toContain('old');
  });
});
