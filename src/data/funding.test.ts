import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFundingRates, parseFundingRates } from './funding.js';

const fixture = (file: string): string => fileURLToPath(new URL(`../../test/fixtures/data/${file}`, import.meta.url));
const bundled = (file: string): string => fileURLToPath(new URL(`../../data/bundled/${file}`, import.meta.url));

describe('loadFundingRates', () => {
  it("reads Freqtrade's funding_rate feather (rate in 'open') with times exactly as recorded", async () => {
    const funding = await loadFundingRates(bundled('XRP_USDT_USDT-8h-funding_rate.feather'));
    expect(funding.time.length).toBe(91);
    expect(funding.time[0]).toBe(1637193600017);
    expect(funding.time[90]).toBe(1639785600014);
    expect(funding.rate[0]).toBe(0.0001);
    expect(funding.rate.every((r) => Number.isFinite(r))).toBe(true);
  });

  it('reads the CSV converted from that feather to the same series', async () => {
    const csv = await loadFundingRates(fixture('XRP_USDT_USDT-8h-funding_rate.csv'));
    const feather = await loadFundingRates(bundled('XRP_USDT_USDT-8h-funding_rate.feather'));
    expect(Array.from(csv.time)).toEqual(Array.from(feather.time));
    expect(Array.from(csv.rate)).toEqual(Array.from(feather.rate));
  });

  it('reads Binance REST fundingRate JSON, negative rates included', async () => {
    const funding = await loadFundingRates(fixture('http_futures_market_funding_rate.json'));
    expect(Array.from(funding.time)).toEqual([1570608000000, 1570636800000]);
    expect(Array.from(funding.rate)).toEqual([-0.0375, 0.0001]);
  });

  it("reads Binance's monthly funding CSV layout (calc_time, funding_interval_hours, last_funding_rate)", () => {
    // Hand-written in the layout of data.binance.vision's fundingRate files.
    const text = 'calc_time,funding_interval_hours,last_funding_rate\n1704067200000,8,0.00037409\n1704096000000,8,-0.00001234\n';
    const funding = parseFundingRates(text, 'BTCUSDT-fundingRate-2024-01.csv');
    expect(Array.from(funding.time)).toEqual([1704067200000, 1704096000000]);
    expect(Array.from(funding.rate)).toEqual([0.00037409, -0.00001234]);
  });

  it('names file, row and field of a bad rate or time', () => {
    const head = 'calc_time,funding_interval_hours,last_funding_rate\n';
    expect(() => parseFundingRates(`${head}1704067200000,8,abc\n`, 'f.csv')).toThrow('f.csv, row 2, field "last_funding_rate": rate "abc" is not a number');
    expect(() => parseFundingRates(`${head}1704067200000,8,0.1\n1704067200000,8,0.1\n`, 'f.csv')).toThrow('f.csv, row 3, field "calc_time": duplicate funding time 2024-01-01T00:00:00.000Z');
    expect(() => parseFundingRates(`${head}1704096000000,8,0.1\n1704067200000,8,0.1\n`, 'f.csv')).toThrow(/row 3, field "calc_time": funding time .* is earlier than/);
    expect(() => parseFundingRates(`${head}soon,8,0.1\n`, 'f.csv')).toThrow('f.csv, row 2, field "calc_time": cannot read "soon" as a timestamp');
  });

  it('names the columns it found when time or rate is missing', () => {
    expect(() => parseFundingRates('when,how\n1,2\n', 'f.csv')).toThrow(/f.csv, row 1: missing time .* and rate .* column; found: when, how/);
  });

  it('rejects an empty file', () => {
    expect(() => parseFundingRates('', 'f.csv')).toThrow('f.csv: the file is empty');
  });
});
