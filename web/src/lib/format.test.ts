import { describe, expect, it } from 'vitest';
import { ago, directionWord, duration, money, pct, price, signed, stateTone, tone, utc } from './format.js';

describe('format', () => {
  it('shows a dash for values that are not available rather than NaN', () => {
    for (const f of [money, price, pct, signed, utc, duration]) {
      expect(f(null)).toBe('—');
      expect(f(Number.NaN)).toBe('—');
    }
  });

  it('writes times in UTC whatever the browser zone', () => {
    expect(utc(Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('2025-01-02 03:04:05');
  });

  it('keeps significant digits for small prices and two decimals for large ones', () => {
    expect(price(94321.456)).toBe('94,321.46');
    expect(price(0.000123456)).toBe('0.0001235');
    expect(price(12.345678)).toBe('12.3457');
  });

  it('formats fractions as percentages and signs amounts', () => {
    expect(pct(0.1234)).toBe('12.34%');
    expect(signed(5)).toBe('+5.00');
    expect(signed(-5)).toBe('-5.00');
    expect(tone(-1)).toBe('down');
    expect(tone(0)).toBe('');
  });

  it('scales durations from microseconds to hours', () => {
    expect(duration(0.25)).toBe('250 µs');
    expect(duration(3.5)).toBe('3.50 ms');
    expect(duration(4200)).toBe('4.2 s');
    expect(duration(185_000)).toBe('3 m 5 s');
    expect(duration(2 * 3_600_000 + 60_000)).toBe('2 h 1 m');
    expect(ago(1000, 4000)).toBe('3.0 s ago');
  });

  it('names a direction and colours states', () => {
    expect(directionWord(0.4)).toBe('long');
    expect(directionWord(-1)).toBe('short');
    expect(directionWord(0)).toBe('flat');
    expect(stateTone('HALTED')).toBe('bad');
    expect(stateTone('degraded')).toBe('warn');
    expect(stateTone('running')).toBe('good');
  });
});
