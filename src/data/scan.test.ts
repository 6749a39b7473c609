import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, epochNumberToMs, scan, scanIsoTime, scanNumber, scanTimeOfDay, scanTimestamp, SCAN_RANGE, timeScanState } from './scan.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const number = (s: string): number => scanNumber(bytes(s), 0, s.length);
const isoMs = (s: string): number => scanIsoTime(bytes(s), 0, s.length);

describe('scanNumber', () => {
  it('reads what Number() reads, bit for bit, for any decimal text', () => {
    const decimal = fc.tuple(
      fc.constantFrom('', '-', '+'),
      fc.stringMatching(/^\d{1,20}$/),
      fc.option(fc.stringMatching(/^\d{0,20}$/)),
      fc.option(fc.integer({ min: -330, max: 310 })),
    ).map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(Object.is(number(text), Number(text))).toBe(true);
        expect(scan.end).toBe(text.length);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads every double printed by JavaScript back exactly', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(Object.is(number(String(x)), x) || (x === 0 && number(String(x)) === 0)).toBe(true);
    }), { numRuns: 5000 });
  });

  it('stops at the first byte that cannot continue the number', () => {
    expect(number('12.5,7')).toBe(12.5);
    expect(scan.end).toBe(4);
    expect(number('3e')).toBe(3);
    expect(scan.end).toBe(1);
  });

  it('fails on text without digits', () => {
    for (const text of ['', '-', '.', 'abc', 'NaN', 'Infinity']) expect(Number.isNaN(number(text))).toBe(true);
  });
});

describe('calendar arithmetic', () => {
  it('daysFromCivil agrees with Date.UTC over five millennia', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 4000 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
      const date = new Date(0);
      date.setUTCFullYear(y, m - 1, d);
      date.setUTCHours(0, 0, 0, 0);
      expect(daysFromCivil(y, m, d) * 86_400_000).toBe(date.getTime());
    }));
  });
});

describe('scanIsoTime', () => {
  it('reads the ISO forms data files use, all as UTC', () => {
    const t = Date.UTC(2021, 11, 31, 23, 1, 2, 345);
    expect(isoMs('2021-12-31T23:01:02.345Z')).toBe(t);
    expect(isoMs('2021-12-31 23:01:02.345678')).toBe(t);
    expect(isoMs('2021-12-31T23:01:02.345+00:00')).toBe(t);
    expect(isoMs('2022-01-01T00:31:02.345+0130')).toBe(t);
    expect(isoMs('2021-12-31T22:01:02.345-01')).toBe(t);
    expect(isoMs('2021-12-31 23:01:02.345 UTC')).toBe(t);
    expect(isoMs('2021/12/31 23:01:02.345')).toBe(t);
    expect(isoMs('2021-12-31')).toBe(Date.UTC(2021, 11, 31));
    expect(isoMs('2021-12-31T23:01')).toBe(Date.UTC(2021, 11, 31, 23, 1));
  });

  it('rejects impossible dates and times', () => {
    for (const text of ['2021-02-29', '2021-13-01', '2021-00-10', '2021-04-31', '2021-01-01T24:00:00', '2021-01-01T10:60']) {
      expect(Number.isNaN(isoMs(text))).toBe(true);
      expect(scan.error).toBe(SCAN_RANGE);
    }
    expect(isoMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('scanTimeOfDay', () => {
  it('reads HH:MM and HH:MM:SS(.fff)', () => {
    const tod = (s: string): number => scanTimeOfDay(bytes(s), 0, s.length);
    expect(tod('09:05')).toBe(9 * 3_600_000 + 5 * 60_000);
    expect(tod('17:30:00')).toBe(17.5 * 3_600_000);
    expect(tod('00:00:01.5009')).toBe(1500);
    expect(Number.isNaN(tod('9:05'))).toBe(true);
  });
});

describe('scanTimestamp', () => {
  it('keeps the unit of the first epoch value for the whole file', () => {
    const state = timeScanState();
    const read = (s: string): number => scanTimestamp(bytes(s), 0, s.length, state);
    expect(read('1704067200')).toBe(1704067200000);
    expect(state.unit).toBe('s');
    expect(Number.isNaN(read('1704067200000'))).toBe(true);
  });

  it('truncates sub-millisecond digits exactly, even for nanoseconds beyond 2^53', () => {
    const read = (s: string): number => scanTimestamp(bytes(s), 0, s.length, timeScanState());
    expect(read('1837939477386999999')).toBe(1837939477386);
    expect(read('1837939477386999')).toBe(1837939477386);
    expect(read('1637193600.0179')).toBe(1637193600017);
  });

  it('a fixed unit overrides magnitude detection', () => {
    const state = timeScanState('ms');
    expect(scanTimestamp(bytes('86400000'), 0, 8, state)).toBe(86_400_000);
  });
});

describe('epochNumberToMs', () => {
  it('snaps float noise from unit conversion but truncates real fractions', () => {
    expect(epochNumberToMs(1637193600.017, 's')).toBe(1637193600017);
    expect(epochNumberToMs(1735689600000000, 'us')).toBe(1735689600000);
    expect(epochNumberToMs(1000.5, 'ms')).toBe(1000);
  });
});
