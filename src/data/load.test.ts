import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../core/errors.js';
import { BarTable } from '../model/bar.js';
import { describeLoad, loadBars, parseBars } from './load.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/data/', import.meta.url));
const fixture = (file: string): string => fixtures + file;
const iso = (t: number | undefined): string => new Date(t!).toISOString();

describe('Binance kline CSV', () => {
  it('reads the raw 12-column file without header, timeframe from close_time', async () => {
    const { table, format, report } = await loadBars(fixture('ADABTC-1m-2021-11-27.csv'));
    expect(format).toBe('binance');
    expect(table.symbol).toBe('ADABTC');
    expect(table.timeframe).toBe('1m');
    expect(report.timeframeSource).toBe('close-time');
    expect(table.length).toBe(10);
    // 1637971200000,0.00002853,0.00002854,0.00002851,0.00002854,36304.20000000,…
    expect(table.bar(0)).toMatchObject({ time: 1637971200000, open: 0.00002853, high: 0.00002854, low: 0.00002851, close: 0.00002854, volume: 36304.2 });
    expect(iso(table.time[9])).toBe('2021-11-27T00:09:00.000Z');
    expect(report.timeFormat).toBe('epoch-ms');
  });

  it('reads the zipped download as data.binance.vision serves it', async () => {
    const zipped = await loadBars(fixture('ADABTC-1m-2021-11-27.zip'));
    const plain = await loadBars(fixture('ADABTC-1m-2021-11-27.csv'));
    expect(zipped.format).toBe('binance');
    expect(Array.from(zipped.table.close)).toEqual(Array.from(plain.table.close));
    expect(Array.from(zipped.table.time)).toEqual(Array.from(plain.table.time));
  });

  it('reads microsecond open times (Binance files since 2025)', () => {
    const text = 'open_time,open,high,low,close,volume\n1735689600000000,93576.0,94509.42,93489.03,94401.14,755.9901\n1735693200000000,94401.13,94408.72,93578.77,93607.74,586.53456\n';
    const { table, report } = parseBars(text, { source: 'BTCUSDT-1h-2025-01.csv' });
    expect(Array.from(table.time)).toEqual([1735689600000, 1735693200000]);
    expect(report.timeFormat).toBe('epoch-us');
    expect(table.symbol).toBe('BTCUSDT');
    expect(table.timeframe).toBe('1h');
  });

  it('reads Binance REST klines JSON (prices as strings)', async () => {
    const { table, report } = await loadBars(fixture('http_spot_market_klines.json'));
    expect(table.length).toBe(10);
    expect(table.timeframe).toBe('1m');
    expect(report.timeframeSource).toBe('close-time');
    expect(table.bar(0)).toMatchObject({ time: 1634943780000, open: 60685.22, high: 60729.84, low: 60670.9, close: 60719.27, volume: 21.63272 });
  });
});

describe('Freqtrade candles', () => {
  it('reads JSON candles (gzipped, as Freqtrade writes jsongz) and reports their gaps', async () => {
    const { table, format, report } = await loadBars(fixture('UNITTEST_BTC-1m.json.gz'));
    expect(format).toBe('freqtrade-json');
    expect(table.symbol).toBe('UNITTEST/BTC');
    expect(table.timeframe).toBe('1m');
    expect(table.length).toBe(13681);
    expect(table.bar(0)).toMatchObject({ time: 1509836520000, open: 0.00162008, volume: 108.14853839 });
    expect(table.time[13680]).toBe(1510700340000);
    // Counted independently from the upstream JSON: 538 gaps holding 717 missing minutes.
    expect(report.gaps.length).toBe(538);
    expect(report.missingBars).toBe(717);
    expect(report.calendar).toBe('24/7');
  });

  it('reads LZ4-compressed feather to exactly the values of the CSV converted from it', async () => {
    const feather = await loadBars(fixture('XRP_ETH-5m.feather'));
    const csv = await loadBars(fixture('XRP_ETH-5m.csv'));
    expect(feather.format).toBe('feather');
    expect(csv.format).toBe('csv');
    expect(feather.table.symbol).toBe('XRP/ETH');
    expect(feather.table.length).toBe(706);
    for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(feather.table[column])).toEqual(Array.from(csv.table[column]));
    }
    expect(csv.report.columns.time).toBe('timestamp_ms');
    expect(feather.report.gaps.length).toBe(6);
  });

  it('refuses a funding-rate file as bars and points to loadFundingRates', async () => {
    await expect(loadBars(fixture('XRP_USDT_USDT-8h-funding_rate.csv'))).rejects.toThrow(/funding-rate file, not bars.*loadFundingRates/);
  });
});

describe('generic CSV', () => {
  it('reads Yahoo files with Adj Close (ignored) and session breaks on weekends', async () => {
    const { table, report } = await loadBars(fixture('nvda-1999-2014.txt'));
    expect(table.symbol).toBe('nvda-1999-2014');
    expect(table.timeframe).toBe('1d');
    expect(report.timeframeSource).toBe('inferred');
    expect(table.length).toBe(4012);
    expect(table.bar(0)).toMatchObject({ time: Date.UTC(1999, 0, 22), open: 1.75, high: 1.953125, low: 1.552083, close: 1.640625, volume: 67867200 });
    expect(report.columns.close).toBe('Close');
    expect(report.calendar).toBe('sessions');
    expect(report.missingBars).toBe(0);
    // Counted independently from the file: 870 gaps of more than a day (weekends, holidays).
    expect(report.sessionBreaks).toBe(870);
  });

  it('uses Adj Close only when there is no Close column', () => {
    const { table, report } = parseBars('Date,Open,High,Low,Adj Close,Volume\n2024-01-01,10,12,9,11,5\n', { source: 'x.csv', timeframe: '1d' });
    expect(table.close[0]).toBe(11);
    expect(report.columns.close).toBe('Adj Close');
  });

  it('combines separate Date and Time columns (backtrader intraday)', async () => {
    const { table, report } = await loadBars(fixture('2006-min-005.txt'));
    expect(report.columns.time).toBe('Date + Time');
    expect(table.timeframe).toBe('5m');
    expect(table.length).toBe(2142);
    expect(iso(table.time[0])).toBe('2006-01-02T09:05:00.000Z');
    expect(iso(table.time[2141])).toBe('2006-01-30T17:30:00.000Z');
    // Nights and weekends are session breaks, not missing data.
    expect(report.calendar).toBe('sessions');
    expect(report.gaps.every((g) => g.kind === 'session-break')).toBe(true);
  });

  it('reads weekly bars dated on the last trading day of each week', async () => {
    const { table, report } = await loadBars(fixture('2006-week-001.txt'));
    expect(table.timeframe).toBe('1w');
    expect(table.length).toBe(52);
    expect(report.gaps).toEqual([]);
    expect(report.misaligned).toBe(2);
  });

  it('reads pandas exports whose index column has an empty header ("YYYY-MM-DD HH:MM:SS")', async () => {
    const { table, report } = await loadBars(fixture('EURUSD.csv'));
    expect(report.columns.time).toBe('');
    expect(table.timeframe).toBe('1h');
    expect(table.length).toBe(5000);
    expect(iso(table.time[0])).toBe('2017-04-19T09:00:00.000Z');
    expect(iso(table.time[4999])).toBe('2018-02-07T15:00:00.000Z');
    // FX closes at weekends: 42 weekend breaks, counted independently from the file.
    expect(report.calendar).toBe('sessions');
    expect(report.sessionBreaks).toBe(42);
    expect(report.missingBars).toBe(0);
  });

  it('refuses monthly bars with a clear reason', async () => {
    await expect(loadBars(fixture('BTCUSD.csv'))).rejects.toThrow(/about a month apart; monthly bars are not supported/);
  });

  it('handles a BOM, CRLF line ends, quoted fields, spaces, blank lines and semicolons', () => {
    const text = '\uFEFF"Date";"Open";"High";"Low";"Close";"Volume"\r\n\r\n"2024-01-01"; 10 ;"12";9;11;5\r\n2024-01-02;11;13;10;12;"6"\r\n';
    const { table, report } = parseBars(text, { source: 'quoted.csv' });
    expect(table.length).toBe(2);
    expect(table.bar(1)).toMatchObject({ time: Date.UTC(2024, 0, 2), open: 11, high: 13, low: 10, close: 12, volume: 6 });
    expect(report.rows).toBe(2);
  });

  it('reads every row when the first lines are longer than the rest (the row estimate grows)', () => {
    const long = Array.from({ length: 64 }, (_, i) => `${1704067200 + i * 60},1.0000000000001,2.0000000000001,0.5000000000001,1.5000000000001,3.0000000000001,${'x'.repeat(200)}`);
    const short = Array.from({ length: 5000 }, (_, i) => `${1704067200 + (i + 64) * 60},1,2,0.5,1.5,3,`);
    const { table } = parseBars(`time,open,high,low,close,volume,note\n${[...long, ...short].join('\n')}\n`, { source: 'grow.csv' });
    expect(table.length).toBe(5064);
    expect(table.time[5063]).toBe((1704067200 + 5063 * 60) * 1000);
  });

  it('counts rows as an editor shows them, blank lines and CRLF included', () => {
    const text = 'time,open,high,low,close,volume\r\n\r\n2024-01-01,1,2,1,1,1\r\n\r\n\r\n2024-01-02,1,2,1,1,x\r\n';
    expect(() => parseBars(text, { source: 'rows.csv' })).toThrow('rows.csv, row 6, field "volume": "x" is not a number');
  });

  it('accepts synonyms o/h/l/c/v and timestamp in seconds', () => {
    const { table, report } = parseBars('ts,o,h,l,c,vol\n1704067200,1,2,0.5,1.5,3\n1704070800,1.5,2,1,1.8,4\n', { source: 'syn.csv' });
    expect(report.timeFormat).toBe('epoch-s');
    expect(Array.from(table.time)).toEqual([1704067200000, 1704070800000]);
    expect(table.timeframe).toBe('1h');
  });

  it('reads ISO timestamps with zone offsets as UTC instants', () => {
    const text = 'datetime,open,high,low,close,volume\n2024-01-01T01:00:00+01:00,1,2,1,1,1\n2024-01-01T00:30:00-00:30,1,2,1,1,1\n2024-01-01 02:00:00Z,1,2,1,1,1\n';
    const { table } = parseBars(text, { source: 'tz.csv' });
    expect(Array.from(table.time, iso)).toEqual(['2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', '2024-01-01T02:00:00.000Z']);
  });

  it('reads a file without header as time, open, high, low, close, volume', () => {
    const { table, format } = parseBars('1704067200000,1,2,0.5,1.5,3\n1704067260000,1.5,2,1,1.8,4\n', { source: 'noheader.csv' });
    expect(format).toBe('csv');
    expect(table.timeframe).toBe('1m');
  });

  it('detects the format from the content whatever the extension', () => {
    const json = parseBars('[[1704067200000,1,2,0.5,1.5,3],[1704067260000,1.5,2,1,1.8,4]]', { source: 'candles.txt' });
    expect(json.format).toBe('freqtrade-json');
    const feather = parseBars(readFileSync(fixture('XRP_ETH-5m.feather')), { source: 'XRP_ETH-5m.data' });
    expect(feather.format).toBe('feather');
  });
});

describe('options', () => {
  it('lets the caller set symbol and timeframe', async () => {
    const { table, report } = await loadBars(fixture('2006-day-001.txt'), { symbol: 'IDX', timeframe: '1d' });
    expect(table.symbol).toBe('IDX');
    expect(report.symbolSource).toBe('option');
    expect(report.timeframeSource).toBe('option');
  });

  it('refuses a timeframe longer than the spacing of the bars', async () => {
    await expect(loadBars(fixture('2006-min-005.txt'), { timeframe: '1h' })).rejects.toThrow(/timeframe option says 1h, but the bars are 5m apart/);
  });

  it('names the key of an invalid option', async () => {
    const bad = (options: object): Promise<unknown> => loadBars(fixture('2006-day-001.txt'), options);
    await expect(bad({ repair: 'fix' })).rejects.toThrow(ConfigurationError);
    await expect(bad({ repair: 'fix' })).rejects.toThrow(/^repair: unknown repair policy "fix"; use one of none, drop, ffill$/);
    await expect(bad({ timeframe: '1x' })).rejects.toThrow(/^timeframe: /);
    await expect(bad({ format: 'xls' })).rejects.toThrow(/^format: /);
  });

  it('names a missing file', async () => {
    await expect(loadBars(fixture('nope.csv'))).rejects.toThrow(`${fixture('nope.csv')}: file not found`);
    await expect(loadBars(fixture('nope.csv'))).rejects.toBeInstanceOf(DataError);
  });

  it('needs a timeframe for a single bar it cannot infer one from', () => {
    expect(() => parseBars('date,open,high,low,close,volume\n2024-01-01,1,2,1,1,1\n', { source: 'one.csv' })).toThrow(/cannot infer the timeframe from a single bar/);
    expect(parseBars('date,open,high,low,close,volume\n2024-01-01,1,2,1,1,1\n', { source: 'one-1d.csv' }).table.timeframe).toBe('1d');
  });

  it('can force the calendar', async () => {
    const { report } = await loadBars(fixture('2006-min-005.txt'), { calendar: '24/7' });
    expect(report.gaps.every((g) => g.kind === 'gap')).toBe(true);
    expect(report.missingBars).toBeGreaterThan(0);
  });
});

describe('describeLoad', () => {
  it('summarises what was loaded and changed', async () => {
    const lines = describeLoad(await loadBars(fixture('malformed/messy-1h.csv'), { repair: 'ffill' }));
    expect(lines[0]).toMatch(/7 1h bars of messy \(csv, timeframe from file-name\)/);
    expect(lines).toContain('dropped 2 rows (first: row 3, field "high": high 98 is below low 99)');
    expect(lines).toContain('sorted 1 out-of-order row into time order');
    expect(lines).toContain('3 missing bars in 2 gaps, filled with 3 flat bars');
  });
});

// --- properties ---------------------------------------------------------------------------

const priceArb = fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** Random valid bars on a 1m grid with random gaps. */
const barsArb = fc.array(
  fc.record({ step: fc.integer({ min: 1, max: 5 }), a: priceArb, b: priceArb, u: fc.double({ min: 0, max: 1, noNaN: true }), w: fc.double({ min: 0, max: 1, noNaN: true }), volume: fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }) }),
  { minLength: 2, maxLength: 60 },
).map((rows) => {
  let t = Date.UTC(2021, 0, 1);
  return rows.map((r) => {
    t += r.step * 60_000;
    const low = Math.min(r.a, r.b);
    const high = Math.max(r.a, r.b);
    const open = Math.min(high, Math.max(low, low + (high - low) * r.u));
    const close = Math.min(high, Math.max(low, low + (high - low) * r.w));
    return { time: t, open, high, low, close, volume: r.volume };
  });
});

type TimeWriter = (t: number) => string;
const writers: Record<string, TimeWriter> = {
  'epoch-ms': (t) => String(t),
  'epoch-s': (t) => (t % 1000 === 0 ? String(t / 1000) : (t / 1000).toFixed(3)),
  'epoch-us': (t) => `${t}000`,
  'epoch-ns': (t) => `${t}000000`,
  iso: (t) => new Date(t).toISOString(),
  'iso-space': (t) => new Date(t).toISOString().replace('T', ' ').replace('Z', ''),
  'iso-offset': (t) => new Date(t + 5.5 * 3_600_000).toISOString().replace('Z', '+05:30'),
};

describe('properties', () => {
  it('CSV round-trip: random valid bars written to CSV load back exactly', () => {
    fc.assert(
      fc.property(barsArb, fc.constantFrom(...Object.keys(writers)), (bars, unit) => {
        const write = writers[unit]!;
        const text = `timestamp,open,high,low,close,volume\n${bars.map((b) => [write(b.time), b.open, b.high, b.low, b.close, b.volume].join(',')).join('\n')}\n`;
        const { table, report } = parseBars(text, { source: 'prop.csv', timeframe: '1m' });
        const expected = BarTable.fromBars('prop', '1m', bars);
        for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
          expect(Array.from(table[column])).toEqual(Array.from(expected[column]));
        }
        expect(report.dropped).toEqual([]);
        expect(report.missingBars).toBe(bars.slice(1).reduce((sum, b, i) => sum + (b.time - bars[i]!.time) / 60_000 - 1, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('timestamps in every supported unit and form parse to the same milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const results = Object.entries(writers).map(([, write]) => {
          const text = `time,open,high,low,close,volume\n${write(t)},1,1,1,1,1\n`;
          return parseBars(text, { source: 'one.csv', timeframe: '1m' }).table.time[0];
        });
        expect(new Set(results)).toEqual(new Set([t]));
      }),
      { numRuns: 500 },
    );
  });

  it('ffill never changes a real bar and leaves no gap behind', () => {
    fc.assert(
      fc.property(barsArb, (bars) => {
        const text = `time,open,high,low,close,volume\n${bars.map((b) => [b.time, b.open, b.high, b.low, b.close, b.volume].join(',')).join('\n')}\n`;
        const { table, report } = parseBars(text, { source: 'p.csv', timeframe: '1m', repair: 'ffill' });
        expect(table.length).toBe(bars.length + report.filled);
        for (let i = 1; i < table.length; i++) expect(table.time[i]! - table.time[i - 1]!).toBe(60_000);
        const index = new Map(Array.from(table.time, (t, i) => [t, i]));
        for (const b of bars) expect(table.close[index.get(b.time)!]).toBe(b.close);
      }),
      { numRuns: 200 },
    );
  });
});
