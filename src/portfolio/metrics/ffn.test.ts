import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawdownSeries, maxDrawdown } from './drawdown.js';
import { cagr, compoundReturn, periodToDate, rebase, simpleReturns, yearFraction } from './returns.js';

// ffn's test data (real AAPL, MSFT, C daily closes) and the values its tests assert (SOURCES.md).
const fixtures = new URL('../../../test/fixtures/ffn/', import.meta.url);
/** One assertion of ffn's tests: a number or one per column, at `decimals` places. */
interface FfnCase {
  readonly what: string;
  readonly expected: number | Record<string, number> | Record<string, number[]> | { readonly mtd: number; readonly ytd: number };
  readonly decimals: number;
}
const ref = JSON.parse(readFileSync(new URL('ffn_expected.json', fixtures), 'utf8')) as { input: { rows: number }; cases: FfnCase[] };
const csv = readFileSync(new URL('aapl_msft_c_daily_close_2004_2014.csv', fixtures), 'utf8').trim().split(/\r?\n/);
const columns = csv[0]!.split(',').slice(1);
const time: number[] = [];
const prices: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, []]));
for (const line of csv.slice(1)) {
  const [date, ...values] = line.split(',');
  const [m, d, y] = date!.split('/').map(Number);
  time.push(Date.UTC(y!, m! - 1, d));
  values.forEach((v, i) => prices[columns[i]!]!.push(Number(v)));
}

/** The case `what`, its expected value read as type T. */
function caseOf<T>(what: string): { expected: T; decimals: number } {
  const c = ref.cases.find((x) => x.what === what);
  if (!c) throw new Error(`no ffn case "${what}"`);
  return { expected: c.expected as T, decimals: c.decimals };
}

/** numpy `assert_almost_equal(actual, expected, decimals)`. */
function expectAlmost(actual: number | null, expected: number, decimals: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThan(1.5 * 10 ** -decimals);
}

function slice(from: string, to: string, column = 'AAPL'): { time: number[]; values: number[] } {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  const t: number[] = [];
  const v: number[] = [];
  time.forEach((x, i) => {
    if (x >= a && x <= b) {
      t.push(x);
      v.push(prices[column]![i]!);
    }
  });
  return { time: t, values: v };
}

describe('ffn reference values', () => {
  it('reads the whole price file', () => {
    expect(time).toHaveLength(ref.input.rows);
    expect(columns).toEqual(['AAPL', 'MSFT', 'C']);
  });

  it.each(columns)('CAGR of %s over ten years by calendar time (365.25-day years)', (col) => {
    const c = caseOf<Record<string, number>>('calc_cagr(full series)');
    const p = prices[col]!;
    expectAlmost(cagr(p[0]!, p[p.length - 1]!, time[0]!, time[time.length - 1]!), c.expected[col]!, c.decimals);
  });

  it('CAGR of the first ten AAPL closes', () => {
    const c = caseOf<number>('calc_cagr(AAPL first 10 rows)');
    const p = prices.AAPL!;
    expectAlmost(cagr(p[0]!, p[9]!, time[0]!, time[9]!), c.expected, c.decimals);
  });

  it.each(columns)('max drawdown of the first ten %s closes', (col) => {
    const c = caseOf<Record<string, number>>('calc_max_drawdown(first 10 rows)');
    expectAlmost(-maxDrawdown(prices[col]!.slice(0, 10)), c.expected[col]!, c.decimals);
  });

  it.each(columns)('simple returns of %s at rows 1 and 9', (col) => {
    const c = caseOf<Record<string, number[]>>('to_returns(first 10 rows) at iloc 1 and 9');
    const r = simpleReturns(prices[col]!.slice(0, 10));
    // ffn keeps a leading NaN, so its row i is our index i − 1.
    expectAlmost(r[0]!, c.expected[col]![0]!, c.decimals);
    expectAlmost(r[8]!, c.expected[col]![1]!, c.decimals);
  });

  it.each(columns)('rebased %s at row 9', (col) => {
    const c = caseOf<Record<string, number>>('rebase / to_price_index (full series) at iloc 9');
    expectAlmost(rebase(prices[col]!)[9]!, c.expected[col]!, c.decimals);
  });

  it.each(columns)('drawdown series of %s at rows 1 and 9', (col) => {
    const c = caseOf<Record<string, number[]>>('to_drawdown_series(first 10 rows) at iloc 1 and 9');
    const dd = drawdownSeries(prices[col]!.slice(0, 10));
    expectAlmost(-dd[1]!, c.expected[col]![0]!, c.decimals);
    expectAlmost(-dd[9]!, c.expected[col]![1]!, c.decimals);
  });

  it.each(columns)('total return of the first eleven %s closes', (col) => {
    const c = caseOf<Record<string, number>>('calc_total_return(first 11 rows, iloc[0:11])');
    expectAlmost(compoundReturn(simpleReturns(prices[col]!.slice(0, 11))), c.expected[col]!, c.decimals);
  });

  it('year fraction between two dates', () => {
    const c = caseOf<number>('year_frac(2004-03-10, 2004-03-29)');
    expectAlmost(yearFraction(Date.UTC(2004, 2, 10), Date.UTC(2004, 2, 29)), c.expected, c.decimals);
  });

  it('month- and year-to-date within one month', () => {
    const c = caseOf<{ mtd: number; ytd: number }>('calc_mtd / calc_ytd on AAPL 2004-12-10..2004-12-25 daily');
    const s = slice('2004-12-10', '2004-12-25');
    expectAlmost(periodToDate(s.time, s.values, 'month'), c.expected.mtd, c.decimals);
    expectAlmost(periodToDate(s.time, s.values, 'year'), c.expected.ytd, c.decimals);
  });

  // The remaining assertions of ffn's test_mtd_ytd (tests/test_core.py), not transcribed in the
  // fixture file: across a year change, and a single day.
  it('month- and year-to-date across a year change', () => {
    const jan = slice('2004-12-10', '2005-01-15');
    expectAlmost(periodToDate(jan.time, jan.values, 'month'), 0.0901, 4);
    expect(periodToDate(jan.time, jan.values, 'year')).toBe(periodToDate(jan.time, jan.values, 'month'));
    const feb = slice('2004-12-10', '2005-02-15');
    expectAlmost(periodToDate(feb.time, feb.values, 'month'), 0.1497, 4);
    expectAlmost(periodToDate(feb.time, feb.values, 'year'), 0.3728, 4);
    const day = slice('2004-12-10', '2004-12-10');
    expect(periodToDate(day.time, day.values, 'month')).toBe(0);
    expect(periodToDate(day.time, day.values, 'year')).toBe(0);
  });
});
