/**
 * Freqtrade's profit table (tests/persistence/test_persistence.py, test_calc_profit) reproduced
 * through the engine, not just through the accounting functions: for every spot and futures row,
 * a 30-unit trade opened at 2.0 with a 0.25% taker fee and closed at `close_rate` with the row's
 * exit fee (a resting limit, so the maker rate applies), leverage and funding as given, yields the
 * row's profit and profit ratio. Margin rows also charge borrow interest, which the simulated
 * exchange does not model yet; they are covered by src/portfolio/trade-accounting.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/runner.js';
import { BarTable } from '../../src/model/bar.js';
import { scripted } from '../kit/scripted.js';

interface ProfitRow {
  exchange: string; is_short: boolean; lev: number; close_rate: number; fee_close: number;
  profit: number; profit_ratio: number; trading_mode: 'spot' | 'margin' | 'futures'; funding_fees: number;
}

const file = JSON.parse(readFileSync(new URL('../fixtures/freqtrade-pnl/trade_pnl_fee_interest_tables.json', import.meta.url), 'utf8'));
const rows = (file.tables.test_calc_profit.rows as ProfitRow[]).filter((r) => r.trading_mode !== 'margin');
const AMOUNT = 30;
const OPEN = 2.0;
const FEE_OPEN = 0.0025;
const STEP = 5 * 60_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function run(row: ProfitRow) {
  const short = row.is_short;
  const exitBar = short
    ? { open: row.close_rate * 1.001, high: row.close_rate * 1.001, low: row.close_rate * 0.999, close: row.close_rate }
    : { open: row.close_rate * 0.999, high: row.close_rate * 1.001, low: row.close_rate * 0.999, close: row.close_rate };
  const flat = { open: OPEN, high: OPEN, low: OPEN, close: OPEN };
  const table = BarTable.fromBars('ADA/USDT', '5m', [flat, flat, exitBar].map((b, i) => ({ time: T0 + i * STEP, volume: 1e6, ...b })));
  // Funding at the exit bar's open; Freqtrade's funding_fees are received when positive, the
  // engine's funding amount is paid when positive: amount = quantity × mark × rate.
  const signed = short ? -AMOUNT : AMOUNT;
  const rate = -row.funding_fees / (signed * exitBar.open);
  return runBacktest({
    data: [table], cash: 10_000, account: { leverage: Math.max(1, row.lev) },
    sim: { fees: { taker: FEE_OPEN, maker: row.fee_close } },
    fundingRates: row.funding_fees === 0 ? {} : { 'ADA/USDT': { time: new Float64Array([T0 + 2 * STEP]), rate: new Float64Array([rate]) } },
    strategy: scripted({
      0: (ctx) => (short ? ctx.enterShort({ size: { base: AMOUNT } }) : ctx.enterLong({ size: { base: AMOUNT } })),
      1: (ctx) => (short ? ctx.exitShort({ price: row.close_rate }) : ctx.exitLong({ price: row.close_rate })),
    }),
  }).report;
}

describe("Freqtrade's profit table through the engine", () => {
  it('covers the 37 spot and futures rows', () => {
    expect(rows).toHaveLength(37);
  });

  it.each(rows.map((r, i) => [i, r] as const))('row %i: %o', (_i, row) => {
    const report = run(row);
    expect(report.trades).toHaveLength(1);
    const trade = report.trades[0]!;
    expect(trade.entryPrice).toBe(OPEN);
    expect(trade.exitPrice).toBeCloseTo(row.close_rate, 12);
    // Freqtrade compares with pytest.approx: relative tolerance 1e-6.
    const approx = (actual: number, wanted: number) => expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(1e-6 * Math.abs(wanted) + 1e-12);
    approx(trade.pnl, row.profit);
    // Freqtrade's ratio: profit over the open value (entry notional with its fee), times leverage.
    const openValue = AMOUNT * OPEN * (row.is_short ? 1 - FEE_OPEN : 1 + FEE_OPEN);
    approx((trade.pnl / openValue) * row.lev, row.profit_ratio);
  });
});
