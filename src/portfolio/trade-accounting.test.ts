import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  borrowInterest,
  borrowedAmount,
  closeTradeValue,
  interestPeriods,
  openTradeValue,
  replayFills,
  tradeInterest,
  tradeProfit,
  VENUE_INTEREST_RULES,
  type LedgerFill,
  type TradeTerms,
  type TradingMode,
} from './trade-accounting.js';

/** The columns shared by the rows of Freqtrade's tables. */
interface Row {
  readonly exchange?: string;
  readonly is_short: boolean;
  readonly lev: number;
  readonly trading_mode: TradingMode;
  readonly funding_fees?: number;
}
interface InterestRow extends Row {
  readonly exchange: string;
  readonly minutes: number;
  readonly rate: number;
  readonly interest: number;
}
interface BorrowedRow extends Row {
  readonly borrowed: number;
}
interface OpenCloseRow extends Row {
  readonly open_value: number;
  readonly close_value: number;
  readonly profit: number;
  readonly profit_ratio: number;
}
interface OpenValueRow {
  readonly is_short: boolean;
  readonly fee_rate: number;
  readonly result: number;
}
interface CloseRow extends Row {
  readonly open_rate: number;
  readonly close_rate: number;
  readonly fee_rate: number;
  readonly result: number;
}
interface ProfitRow extends Row {
  readonly close_rate: number;
  readonly fee_close: number;
  readonly profit: number;
  readonly profit_ratio: number;
}
/** [[side, amount, price], [amount, open rate, stake, realised, close profit abs, close profit]] */
type DcaOrder = [[string, number, number], [number, number, number, number, number | null, number | null]];
interface DcaCase {
  readonly orders: DcaOrder[];
  readonly end_profit: number;
  readonly end_profit_ratio: number;
  readonly fee: number;
}
interface Tables {
  readonly tables: {
    readonly test_interest: { readonly rows: InterestRow[] };
    readonly test_borrowed: { readonly rows: BorrowedRow[] };
    readonly test_calc_open_close_trade_price: { readonly rows: OpenCloseRow[] };
    readonly test_calc_open_trade_value: { readonly rows: OpenValueRow[] };
    readonly test_calc_close_trade_price: { readonly rows: CloseRow[] };
    readonly test_calc_profit: { readonly rows: ProfitRow[] };
    readonly test_recalc_trade_from_orders_dca: { readonly rows: { readonly data: DcaCase }[] };
  };
}

// Freqtrade's own parametrize tables (tests/persistence/test_persistence.py), transcribed.
const tables = JSON.parse(readFileSync(new URL('../../test/fixtures/freqtrade-pnl/trade_pnl_fee_interest_tables.json', import.meta.url), 'utf8')) as Tables;
const MINUTE = 60_000;

/** pytest.approx: relative 1e-6, absolute 1e-12. */
function expectApprox(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(expected), 1e-12));
}

/** `round(actual, 8) == expected`. */
function expectRound8(actual: number, expected: number): void {
  expect(Math.round(actual * 1e8) / 1e8).toBeCloseTo(expected, 12);
}

/** The common set-up of Freqtrade's tests: ADA/USDT, 30 units at 2.0, 0.05 % interest, a trade open for 10 minutes. */
function terms(row: Row, extra: Partial<TradeTerms> = {}): TradeTerms {
  return {
    side: row.is_short ? 'short' : 'long',
    amount: 30,
    openRate: 2,
    feeOpen: 0.0025,
    feeClose: 0.0025,
    leverage: row.lev,
    tradingMode: row.trading_mode,
    interest: { rate: 0.0005, rule: VENUE_INTEREST_RULES[row.exchange ?? 'binance']! },
    openTime: 0,
    fundingFees: row.funding_fees ?? 0,
    ...extra,
  };
}

describe('Freqtrade PnL tables', () => {
  it.each(tables.tables.test_interest.rows)('charges $exchange interest: short=$is_short lev=$lev $minutes min at $rate ($trading_mode) = $interest', (row) => {
    const t = terms(row, { interest: { rate: row.rate, rule: VENUE_INTEREST_RULES[row.exchange]! } });
    expectRound8(tradeInterest(t, row.minutes * MINUTE), row.interest);
  });

  it.each(tables.tables.test_borrowed.rows)('borrows $borrowed for short=$is_short at leverage $lev ($trading_mode)', (row) => {
    expect(borrowedAmount(terms(row))).toBeCloseTo(row.borrowed, 12);
  });

  it.each(tables.tables.test_calc_open_close_trade_price.rows)(
    'values a $exchange round trip: short=$is_short lev=$lev $trading_mode funding=$funding_fees → profit $profit',
    (row) => {
      // conftest limit orders: a long buys 30 @ 2.00 and sells @ 2.20; a short sells @ 2.20 and buys back @ 2.00.
      const t = terms(row, { openRate: row.is_short ? 2.2 : 2.0 });
      const closeRate = row.is_short ? 2.0 : 2.2;
      const p = tradeProfit(t, closeRate, 10 * MINUTE);
      expectApprox(p.openValue, row.open_value);
      expectApprox(p.closeValue, row.close_value);
      expectApprox(p.profitAbs, row.profit);
      expectApprox(p.profitRatio, row.profit_ratio);
    },
  );

  // The upstream test runs its rows for every exchange, trading mode and leverage.
  const openValueRows: (OpenValueRow & Row)[] = [];
  for (const exchange of ['binance', 'kraken'])
    for (const tradingMode of ['spot', 'margin', 'futures'] as const)
      for (const lev of [1, 3]) for (const row of tables.tables.test_calc_open_trade_value.rows) openValueRows.push({ ...row, exchange, trading_mode: tradingMode, lev });
  it.each(openValueRows)('opens at $result with fee $fee_rate: short=$is_short lev=$lev $exchange $trading_mode', (row) => {
    const t = terms(row, { feeOpen: row.fee_rate, feeClose: row.fee_rate });
    expect(openTradeValue(t)).toBeCloseTo(row.result, 10);
  });

  it.each(tables.tables.test_calc_close_trade_price.rows)(
    'closes at $result: $exchange short=$is_short lev=$lev $open_rate→$close_rate fee $fee_rate $trading_mode funding $funding_fees',
    (row) => {
      const t = terms(row, { openRate: row.open_rate, feeOpen: row.fee_rate, feeClose: row.fee_rate });
      expectRound8(closeTradeValue(t, row.close_rate, 10 * MINUTE), row.result);
    },
  );

  it.each(tables.tables.test_calc_profit.rows)(
    'profits $profit ($profit_ratio): $exchange short=$is_short lev=$lev close $close_rate fee $fee_close $trading_mode funding $funding_fees',
    (row) => {
      const t = terms(row, { feeClose: row.fee_close });
      const p = tradeProfit(t, row.close_rate, 10 * MINUTE);
      expectApprox(p.profitAbs, Math.round(row.profit * 1e8) / 1e8);
      expectApprox(p.profitRatio, Math.round(row.profit_ratio * 1e8) / 1e8);
    },
  );

  it.each(tables.tables.test_recalc_trade_from_orders_dca.rows.map((r, i) => ({ ...r.data, case: i + 1 })))(
    'replays DCA case $case (fee $fee) order by order and on close',
    (data) => {
      const dcaTerms = { side: 'long' as const, feeOpen: data.fee, feeClose: data.fee, leverage: 1, tradingMode: 'spot' as const };
      const fills: LedgerFill[] = [];
      for (const [[side, amount, price], expected] of data.orders) {
        fills.push({ kind: side === 'buy' ? 'entry' : 'exit', amount, price });
        const s = replayFills(dcaTerms, fills);
        const [amountAfter, openRate, stake, realized, closeProfitAbs, closeProfit] = expected;
        expect(s.amount).toBeCloseTo(amountAfter, 9);
        expect(s.openRate).toBeCloseTo(openRate, 9);
        expect(s.stakeAmount).toBeCloseTo(stake, 9);
        expectApprox(s.realizedProfit, realized);
        if (closeProfitAbs === null) expect(s.closeProfitAbs).toBeNull();
        else expectApprox(s.closeProfitAbs!, closeProfitAbs);
        if (closeProfit === null) expect(s.closeProfit).toBeNull();
        else expectApprox(s.closeProfit!, closeProfit);
      }
      const closed = replayFills(dcaTerms, fills, { closing: true });
      expect(closed.isOpen).toBe(false);
      expectApprox(closed.closeProfitAbs!, data.end_profit);
      expectApprox(closed.closeProfit!, data.end_profit_ratio);
    },
  );
});

describe('borrow interest', () => {
  it('charges Binance per started hour at a daily rate', () => {
    expect(interestPeriods(0, 60 * MINUTE, 'hourly')).toBe(1 / 24);
    expect(interestPeriods(0, 60 * MINUTE + 1, 'hourly')).toBe(2 / 24);
    expect(borrowInterest(1000, 0.0024, 0, 24 * 60 * MINUTE, 'hourly')).toBeCloseTo(2.4, 12);
  });

  it('charges Kraken an opening 4-hour period and then every started one', () => {
    expect(interestPeriods(0, 0, 'four-hourly')).toBe(1);
    expect(interestPeriods(0, 4 * 60 * MINUTE, 'four-hourly')).toBe(2);
    expect(interestPeriods(0, 4 * 60 * MINUTE + 1, 'four-hourly')).toBe(3);
  });

  it('charges continuous interest pro rata', () => {
    expect(borrowInterest(1000, 0.001, 0, 12 * 60 * MINUTE, 'continuous')).toBeCloseTo(0.5, 12);
  });

  it('never decreases as time passes and scales with the loan', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom('hourly' as const, 'four-hourly' as const, 'continuous' as const),
        (borrowed, rate, d1, d2, rule) => {
          const a = borrowInterest(borrowed, rate, 0, Math.min(d1, d2), rule);
          const b = borrowInterest(borrowed, rate, 0, Math.max(d1, d2), rule);
          expect(b).toBeGreaterThanOrEqual(a);
          expect(borrowInterest(2 * borrowed, rate, 0, d1, rule)).toBeCloseTo(2 * borrowInterest(borrowed, rate, 0, d1, rule), 6);
        },
      ),
    );
  });

  it('rejects time running backwards and a negative rate, naming the field', () => {
    expect(() => borrowInterest(10, 0.001, 1000, 0, 'hourly')).toThrow(/before the open time/);
    expect(() => borrowInterest(10, -0.001, 0, 1000, 'hourly')).toThrow(/interest\.rate/);
  });

  it('asks for an interest model when a margin trade borrows without one', () => {
    const t: TradeTerms = { side: 'short', amount: 1, openRate: 10, feeOpen: 0, feeClose: 0, tradingMode: 'margin', openTime: 0 };
    expect(() => tradeProfit(t, 9, 1000)).toThrow(/interest model/);
  });
});

describe('trade values', () => {
  it('reduces to amount × price move on a fee-free spot trade, for either side', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.boolean(),
        (amount, open, close, short) => {
          const t: TradeTerms = { side: short ? 'short' : 'long', amount, openRate: open, feeOpen: 0, feeClose: 0, tradingMode: 'futures' };
          const expected = amount * (close - open) * (short ? -1 : 1);
          expect(tradeProfit(t, close).profitAbs).toBeCloseTo(expected, 6);
        },
      ),
    );
  });

  it('scales the profit ratio with leverage but not the absolute profit on futures', () => {
    const base: TradeTerms = { side: 'long', amount: 30, openRate: 2, feeOpen: 0.001, feeClose: 0.001, tradingMode: 'futures' };
    const x1 = tradeProfit(base, 2.2);
    const x5 = tradeProfit({ ...base, leverage: 5 }, 2.2);
    expect(x5.profitAbs).toBeCloseTo(x1.profitAbs, 12);
    expect(x5.profitRatio).toBeCloseTo(5 * x1.profitRatio, 12);
  });

  it('rejects an exit larger than the open amount, naming the fill', () => {
    const t = { side: 'long' as const, feeOpen: 0, feeClose: 0 };
    expect(() => replayFills(t, [{ kind: 'entry', amount: 1, price: 10 }, { kind: 'exit', amount: 2, price: 11 }])).toThrow(/row 2.*exceeds/);
  });

  it('keeps the average entry price through partial exits and realises PnL against it', () => {
    const t = { side: 'short' as const, feeOpen: 0, feeClose: 0, tradingMode: 'futures' as const };
    const s = replayFills(t, [
      { kind: 'entry', amount: 2, price: 100 },
      { kind: 'entry', amount: 2, price: 110 },
      { kind: 'exit', amount: 1, price: 90 },
    ]);
    expect(s.openRate).toBeCloseTo(105, 12);
    expect(s.amount).toBeCloseTo(3, 12);
    expect(s.realizedProfit).toBeCloseTo(15, 12);
  });
});
