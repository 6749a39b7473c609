/**
 * Perpetual funding on real data: Freqtrade's XRP/USDT:USDT 5m futures candles and its 8-hourly
 * funding-rate series (both bundled). The total funding of a position held through the data is
 * computed here independently — each funding time located in its bar, the mark read off that bar's
 * intrabar path — and must match what the engine charged, on the trade and on the account.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBacktest } from '../../src/backtest/runner.js';
import { bundledDataPath, loadBars, loadFundingRates } from '../../src/data/index.js';
import type { BarTable } from '../../src/model/bar.js';
import { defineStrategy } from '../../src/strategy/index.js';

const xrp = (await loadBars(bundledDataPath('XRP_USDT_USDT-5m-futures.feather'))).table;
const funding = await loadFundingRates(bundledDataPath('XRP_USDT_USDT-8h-funding_rate.feather'));
const SYMBOL = 'XRP/USDT:USDT';
const FIVE_MIN = 300_000;

/** The `nearest` path of bar i at position s ∈ [0, 3]: open → nearer extreme → other extreme → close. */
function pathPrice(table: BarTable, i: number, s: number): number {
  const o = table.open[i]!;
  const h = table.high[i]!;
  const l = table.low[i]!;
  const c = table.close[i]!;
  const points = h - o < o - l ? [o, h, l, c] : [o, l, h, c];
  const k = Math.min(2, Math.floor(s));
  return points[k]! + (points[k + 1]! - points[k]!) * (s - k);
}

/** Σ quantity × mark × rate over the funding times while the position was open (positive: paid). */
function expectedFunding(table: BarTable, quantity: number, from: number, to: number): { total: number; count: number } {
  let total = 0;
  let count = 0;
  for (let j = 0; j < funding.time.length; j++) {
    const t = funding.time[j]!;
    if (t < from || t >= to) continue;
    const i = table.time.findIndex((open) => open <= t && t < open + FIVE_MIN);
    expect(i).toBeGreaterThanOrEqual(0);
    const mark = pathPrice(table, i, (t - table.time[i]!) / (FIVE_MIN / 3));
    total += quantity * mark * funding.rate[j]!;
    count++;
  }
  return { total, count };
}

function holdFromFirstBar(side: 'long' | 'short', leverage: number) {
  return defineStrategy({
    name: `hold-${side}`,
    params: z.strictObject({}),
    setup: () => ({
      onBar(_bar, ctx) {
        if (ctx.position().quantity === 0 && ctx.portfolio.trades.length === 0 && ctx.openOrders().length === 0) {
          if (side === 'long') ctx.enterLong({ leverage });
          else ctx.enterShort({ leverage });
        }
      },
    }),
  });
}

describe('funding on XRP/USDT:USDT with its real 8h funding rates', () => {
  it('the data and the funding series overlap on 12 funding times', () => {
    const last = xrp.time[xrp.length - 1]! + FIVE_MIN;
    expect(Array.from(funding.time).filter((t) => t >= xrp.time[0]! && t < last)).toHaveLength(12);
  });

  it.each([
    ['long', 1],
    ['short', 1],
    ['long', 3],
  ] as const)('a %s held at leverage %d pays (or receives) exactly Σ quantity × mark × rate', (side, leverage) => {
    const { report, kernel } = runBacktest({
      data: [xrp], strategy: holdFromFirstBar(side, leverage), cash: 10_000, account: { leverage: 3 },
      instruments: [{ symbol: SYMBOL, assetClass: 'crypto-perp', takerFee: 0.0005, makerFee: 0.0002, maxLeverage: 3 }],
      fundingRates: { [SYMBOL]: { time: funding.time, rate: funding.rate } },
    });
    expect(report.trades).toHaveLength(1);
    const trade = report.trades[0]!;
    expect(trade.side).toBe(side);
    const signed = side === 'long' ? trade.quantity : -trade.quantity;
    const { total, count } = expectedFunding(xrp, signed, trade.entryTime, trade.exitTime);
    expect(count).toBe(12);
    // Rates are positive: longs pay, shorts receive.
    expect(Math.sign(total)).toBe(side === 'long' ? 1 : -1);
    expect(trade.carry).toBeCloseTo(total, 9);
    expect(kernel.portfolio.account.fundingPaid).toBeCloseTo(total, 9);
    expect(trade.pnl).toBeCloseTo(trade.grossPnl - trade.fees - total, 9);
    expect(report.metrics.finalEquity).toBeCloseTo(10_000 + trade.pnl, 6);
  });

  it('a position opened after a funding time does not pay it', () => {
    const late = xrp.slice(xrp.time.indexOf(Date.UTC(2021, 10, 20, 12)));
    const { report } = runBacktest({
      data: [late], strategy: holdFromFirstBar('long', 1),
      fundingRates: { [SYMBOL]: { time: funding.time, rate: funding.rate } },
    });
    const trade = report.trades[0]!;
    const { total, count } = expectedFunding(late, trade.quantity, trade.entryTime, trade.exitTime);
    expect(count).toBe(4);
    expect(trade.carry).toBeCloseTo(total, 9);
  });
});
