import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../core/errors.js';
import { duration, money, pct, utc } from './format.js';
import { parseDate, parseNumber, resolveDataFile } from './options.js';

describe('parseNumber', () => {
  it('reads back every finite number as JavaScript prints it', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(parseNumber('--x', String(x))).toBe(x === 0 ? 0 : x);
    }));
  });

  it('rejects text that is not a plain decimal number, naming the option and the text', () => {
    for (const text of ['', 'abc', '10k', '1,000', '0x10', 'Infinity', 'NaN', '1e', '--5']) {
      expect(() => parseNumber('--cash', text)).toThrow(ConfigurationError);
      expect(() => parseNumber('--cash', text)).toThrow(`--cash: expected a number, got "${text}"`);
    }
  });

  it('enforces bounds and integrality with a message that states them', () => {
    expect(() => parseNumber('--fee', '0.6', { min: 0, max: 0.5 })).toThrow('--fee: expected a number at least 0 and at most 0.5, got "0.6"');
    expect(() => parseNumber('--cash', '0', { above: 0 })).toThrow('--cash: expected a number greater than 0, got "0"');
    expect(() => parseNumber('--bars', '2.5', { integer: true, min: 1 })).toThrow('--bars: expected a whole number at least 1, got "2.5"');
    expect(parseNumber('--bars', ' 7 ', { integer: true, min: 1 })).toBe(7);
  });
});

describe('parseDate', () => {
  it('reads dates and date-times as UTC, never local time', () => {
    expect(parseDate('--from', '2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(parseDate('--from', '2024-01-31T12:30')).toBe(Date.UTC(2024, 0, 31, 12, 30));
    expect(parseDate('--from', '2024-01-31 12:30:15')).toBe(Date.UTC(2024, 0, 31, 12, 30, 15));
    expect(parseDate('--from', '2024-01-31T12:30:00Z')).toBe(Date.UTC(2024, 0, 31, 12, 30));
    expect(parseDate('--from', '2024-01-31T12:30:00+02:00')).toBe(Date.UTC(2024, 0, 31, 10, 30));
  });

  it('round-trips any instant written as ISO-8601', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
      expect(parseDate('--to', new Date(t).toISOString())).toBe(t);
    }));
  });

  it('rejects other formats and impossible dates, naming the option', () => {
    for (const text of ['01/02/2024', '2024-13-01', '2024-02-30T00:00', 'yesterday', '1700000000000']) {
      expect(() => parseDate('--to', text), text).toThrow(/^--to: expected an ISO-8601 date/);
    }
  });
});

describe('resolveDataFile', () => {
  it('finds bundled data sets by name and reports missing files with the bundled names', () => {
    expect(resolveDataFile('GOOG-1d.csv')).toMatch(/data\/bundled\/GOOG-1d\.csv$/);
    expect(() => resolveDataFile('nope.csv')).toThrow(DataError);
    expect(() => resolveDataFile('nope.csv')).toThrow(/^nope\.csv: file not found \(bundled data sets, usable by name: .*GOOG-1d\.csv/);
  });
});

describe('terminal formatting', () => {
  it('formats money, percentages, UTC times and durations for people', () => {
    expect(money(1234567.891)).toBe('1,234,567.89');
    expect(money(-0.5)).toBe('-0.50');
    expect(money(null)).toBe('—');
    expect(pct(0.12345)).toBe('12.35%');
    expect(pct(Number.NaN)).toBe('—');
    expect(utc(Date.UTC(2024, 0, 2))).toBe('2024-01-02');
    expect(utc(Date.UTC(2024, 0, 2, 13, 5))).toBe('2024-01-02 13:05');
    expect(utc(Date.UTC(2024, 0, 2, 13, 5, 9))).toBe('2024-01-02 13:05:09');
    expect(duration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(duration(5 * 3_600_000 + 20 * 60_000)).toBe('5h 20m');
    expect(duration(45 * 60_000)).toBe('45m');
    expect(duration(null)).toBe('—');
  });
});
