import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { loadBars, parseBars } from './load.js';

const dir = fileURLToPath(new URL('../../test/fixtures/data/malformed/', import.meta.url));
const path = (file: string): string => dir + file;

/** Loads a malformed file and returns the DataError it must raise. */
async function failure(file: string): Promise<DataError> {
  const error: unknown = await loadBars(path(file)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('validation: every rule is an error naming file, row and field', () => {
  const cases: Array<[file: string, row: number | undefined, field: string | undefined, message: RegExp]> = [
    ['non-numeric.csv', 3, 'high', /"abc" is not a number/],
    ['empty-value.csv', 4, 'close', /is empty/],
    ['nan.csv', 2, 'open', /is NaN/],
    ['infinity.csv', 3, 'high', /infinite/],
    ['zero-price.csv', 3, 'low', /price must be positive, got 0/],
    ['negative-price.csv', 4, 'open', /price must be positive, got -1/],
    ['high-below-low.csv', 3, 'high', /high 98 is below low 99/],
    ['open-outside-range.csv', 3, 'open', /open 103 is outside the bar's range \[low 99, high 102\]/],
    ['close-outside-range.csv', 3, 'close', /close 98.5 is outside the bar's range/],
    ['negative-volume.csv', 3, 'volume', /volume must not be negative, got -3/],
    ['duplicate-timestamp.csv', 4, 'time', /duplicate timestamp 2024-01-01T01:00:00.000Z \(row 3 has the same\)/],
    ['out-of-order.csv', 4, 'time', /earlier than 2024-01-01T02:00:00.000Z on row 3: rows must be in time order/],
    ['invalid-date.csv', 3, 'time', /"2024-13-01T01:00:00Z" is not a valid date or time/],
    ['unparseable-timestamp.csv', 4, 'time', /cannot read "yesterday" as a timestamp/],
    ['mixed-units.csv', 3, 'time', /different magnitude than the first one \(read as epoch ms\)/],
    ['short-row.csv', 3, 'volume', /the row has 5 fields but the header has 6/],
    ['long-row.csv', 3, undefined, /the row has 7 fields but the header has 6/],
    ['same-period-1h.csv', 4, 'time', /falls in the same 1h period as the bar on row 3/],
  ];
  it.each(cases)('%s → row %s, field %s', async (file, row, field, message) => {
    const error = await failure(file);
    expect(error.location.source).toBe(path(file));
    expect(error.location.row).toBe(row);
    expect(error.location.field).toBe(field);
    expect(error.message).toMatch(message);
    // The message itself carries the location, as a user sees it.
    expect(error.message.startsWith(`${path(file)}, ${row === undefined ? '' : `row ${row}`}`)).toBe(true);
  });

  it('names the columns it found when a required one is missing', async () => {
    const error = await failure('missing-columns.csv');
    expect(error.location.row).toBe(1);
    expect(error.message).toMatch(/missing required columns high, low; found: Date, Open, Close, Volume/);
  });

  it('rejects an empty file', async () => {
    expect((await failure('empty.csv')).message).toBe(`${path('empty.csv')}: the file is empty`);
  });

  it('rejects a file with a header and no rows', async () => {
    const error = await failure('header-only.csv');
    expect(error.message).toMatch(/has a header but no data rows/);
  });

  it('reports the first bad row and counts the others', () => {
    const text = 'time,open,high,low,close,volume\n2024-01-01,1,2,1,1,1\n2024-01-02,1,0.5,1,1,1\n2024-01-03,1,2,1,1,-1\n2024-01-04,1,2,1,1,x\n';
    expect(() => parseBars(text, { source: 'three-bad.csv' })).toThrow(
      "three-bad.csv, row 3, field \"high\": high 0.5 is below low 1 (and 2 more bad rows; repair 'drop' would drop them and report each)",
    );
  });

  it('reports the first bad row of a file with several kinds of problems', async () => {
    const error = await failure('messy-1h.csv');
    expect(error.location.row).toBe(3);
    expect(error.location.field).toBe('high');
    expect(error.message).toMatch(/high 98 is below low 99$/);
  });
});

describe("repair 'drop'", () => {
  it('drops bad rows, sorts, keeps the later duplicate and reports every change', async () => {
    const { table, report } = await loadBars(path('messy-1h.csv'), { repair: 'drop' });
    expect(Array.from(table.time, (t) => new Date(t).toISOString().slice(11, 16))).toEqual(['00:00', '02:00', '03:00', '06:00']);
    // Row 6 (the later duplicate of 03:00) wins over row 4.
    expect(table.high[2]).toBe(103.5);
    expect(report.dropped).toEqual([
      { row: 3, field: 'high', reason: 'high 98 is below low 99' },
      { row: 4, field: 'time', reason: 'duplicate timestamp 2024-01-01T03:00:00.000Z; row 6 (later in the file) was kept' },
    ]);
    expect(report.reordered).toBe(1);
    expect(report.rows).toBe(6);
    expect(report.bars).toBe(4);
    expect(report.filled).toBe(0);
    expect(report.gaps.map((g) => [g.missing, g.kind, g.row])).toEqual([[1, 'gap', 2], [2, 'gap', 6]]);
    expect(report.missingBars).toBe(3);
  });

  it('drops a bar that shares a timeframe period with the previous one', async () => {
    const { table, report } = await loadBars(path('same-period-1h.csv'), { repair: 'drop' });
    expect(table.length).toBe(5);
    expect(report.dropped).toHaveLength(1);
    expect(report.dropped[0]!.row).toBe(4);
  });

  it('refuses to return an empty table when every row is bad', () => {
    const text = 'time,open,high,low,close,volume\n2024-01-01,x,1,1,1,1\n2024-01-02,1,1,2,1,1\n';
    expect(() => parseBars(text, { source: 'all-bad.csv', repair: 'drop' })).toThrow(/all-bad.csv: no usable bars: all 2 rows were dropped \(first: row 2, field "open"/);
  });
});

describe("repair 'ffill'", () => {
  it('fills gaps with flat bars at the previous close and zero volume, and says how many', async () => {
    const { table, report } = await loadBars(path('messy-1h.csv'), { repair: 'ffill' });
    expect(Array.from(table.time, (t) => new Date(t).toISOString().slice(11, 16))).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00', '06:00']);
    expect(report.filled).toBe(3);
    expect(report.bars).toBe(7);
    for (const i of [1, 4, 5]) {
      const previousClose = table.close[i - 1]!;
      expect([table.open[i], table.high[i], table.low[i], table.close[i], table.volume[i]]).toEqual([previousClose, previousClose, previousClose, previousClose, 0]);
    }
    // Real bars are untouched.
    expect(table.close[6]).toBe(103);
  });
});
