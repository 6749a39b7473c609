import { describe, expect, it } from 'vitest';
import { paramValues } from './params.js';

const params = [
  { name: 'fast', type: 'integer', default: 10 },
  { name: 'threshold', type: 'number', default: 0.5 },
  { name: 'short', type: 'boolean', default: false },
  { name: 'source', type: 'string', default: 'close' },
];

describe('strategy parameters from the form', () => {
  it('converts each typed value by its declared type and leaves empty ones to the default', () => {
    expect(paramValues(params, { fast: '12', threshold: '0.7', short: 'true', source: ' hl2 ' })).toEqual({ fast: 12, threshold: 0.7, short: true, source: 'hl2' });
    expect(paramValues(params, { fast: '' })).toEqual({});
  });

  it('names the parameter when its text does not fit', () => {
    expect(() => paramValues(params, { fast: '1.5' })).toThrow('fast: must be a whole number');
    expect(() => paramValues(params, { threshold: 'abc' })).toThrow('threshold: "abc" is not a number');
    expect(() => paramValues(params, { short: 'yes' })).toThrow('short: write true or false');
  });
});
