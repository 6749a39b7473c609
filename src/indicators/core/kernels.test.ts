import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declareCheckedColumns, rollingMaxInto, rollingMinInto, validEnd1, validEnd2, validEnd3, validEnd4, withCheckedColumns } from './kernels.js';
import { RollingMax, RollingMin } from './windows.js';

/** Values with many ties (small integers, both zeros) so that "the newest extreme wins" is exercised. */
const tiedValues = fc.array(fc.constantFrom(-2, -1, -0, 0, 1, 2, 0.5), { minLength: 1, maxLength: 120 });

/** The first row ≥ `from` where the sum of the columns is not finite (the classes' bar check), row by row. */
function firstInvalidSum(columns: readonly Float64Array[], from: number): number {
  const n = columns[0]!.length;
  for (let i = from; i < n; i++) {
    let s = 0;
    for (const c of columns) s += c[i]!;
    if (s - s !== 0) return i;
  }
  return n;
}

describe('rollingMaxInto / rollingMinInto', () => {
  it('give the values and ages of RollingMax / RollingMin from any start, newest extreme first on ties (property)', () => {
    fc.assert(
      fc.property(tiedValues, fc.integer({ min: 1, max: 30 }), fc.nat({ max: 5 }), (values, period, skip) => {
        const src = Float64Array.from(values);
        const from = Math.min(skip, src.length);
        const max = new Float64Array(src.length);
        const min = new Float64Array(src.length);
        const maxAge = new Float64Array(src.length);
        const minAge = new Float64Array(src.length);
        const maxOnly = new Float64Array(src.length);
        rollingMaxInto(src, from, src.length, period, max, maxAge);
        rollingMinInto(src, from, src.length, period, min, minAge);
        rollingMaxInto(src, from, src.length, period, maxOnly);
        const rMax = new RollingMax(period);
        const rMin = new RollingMin(period);
        for (let i = from; i < src.length; i++) {
          rMax.push(src[i]!);
          rMin.push(src[i]!);
          expect(Object.is(max[i], rMax.value), `max at ${i}`).toBe(true);
          expect(Object.is(maxOnly[i], rMax.value), `max (no age) at ${i}`).toBe(true);
          expect(Object.is(min[i], rMin.value), `min at ${i}`).toBe(true);
          expect(maxAge[i]).toBe(rMax.age);
          expect(minAge[i]).toBe(rMin.age);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validity scans', () => {
  const special = fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 1.7e308, 0, 1, -1);
  const value = fc.oneof({ weight: 4, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) }, { weight: 1, arbitrary: special });
  const columns = (n: number) => fc.tuple(...[0, 1, 2, 3].map(() => fc.array(value, { minLength: n, maxLength: n })));

  it('find the first row whose sum is not finite, as row by row (overflowing sums included) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 14 }).chain((n) => fc.tuple(columns(n), fc.nat({ max: n }))), ([cols, from]) => {
        const [a, b, c, d] = cols.map((x) => Float64Array.from(x)) as [Float64Array, Float64Array, Float64Array, Float64Array];
        expect(validEnd1(a, from)).toBe(firstInvalidSum([a], from));
        expect(validEnd2(a, b, from)).toBe(firstInvalidSum([a, b], from));
        expect(validEnd3(a, b, c, from)).toBe(firstInvalidSum([a, b, c], from));
        expect(validEnd4(a, b, c, d, from)).toBe(firstInvalidSum([a, b, c, d], from));
      }),
      { numRuns: 500 },
    );
  });

  it('skip columns declared checked inside a scope, and only there', () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = Float64Array.from([4, 5, 6]);
    const c = Float64Array.from([1, NaN, 3]);
    expect(declareCheckedColumns([a, b])).toBe(false); // no scope: nothing declared
    withCheckedColumns(() => {
      expect(declareCheckedColumns([a, b])).toBe(true);
      expect(declareCheckedColumns([c])).toBe(false); // a NaN: checked and refused
      expect(validEnd2(a, b, 0)).toBe(3);
      expect(validEnd2(a, c, 0)).toBe(1); // c is scanned as usual
      // A value a sum of four could overflow: refused, so scans still see the overflow.
      expect(declareCheckedColumns([Float64Array.from([1, 2 ** 1000])])).toBe(false);
      expect(declareCheckedColumns([Float64Array.from([1, 2, 3, 4, 5, -(2 ** 1000)])])).toBe(false);
      // Large values below the bound are accepted even when four of them add up past it.
      expect(declareCheckedColumns([Float64Array.from([2 ** 999, -(2 ** 999), 2 ** 999, 2 ** 999, 1])])).toBe(true);
      // Proof that declared columns are no longer read: a change inside the scope goes unseen
      // (the caller's promise not to change them is what makes this safe).
      a[1] = NaN;
      expect(validEnd1(a, 0)).toBe(3);
    });
    expect(validEnd1(a, 0)).toBe(1); // outside the scope the scan runs again
  });
});
