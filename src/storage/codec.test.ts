import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candleChunkTimes, decodeCandleChunk, decodeCandleChunkInto, decodeJson, encodeCandleChunk, encodeJson } from './codec.js';

describe('encodeJson / decodeJson', () => {
  it('keeps NaN and infinities, which plain JSON turns into null', () => {
    const value = { a: Number.NaN, b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5], c: { d: null } };
    const back = decodeJson<typeof value>(encodeJson(value));
    expect(back.a).toBeNaN();
    expect(back.b).toEqual([Infinity, -Infinity, 1.5]);
    expect(back.c).toEqual({ d: null });
  });

  it('encodes equal values to equal text whatever the key order', () => {
    expect(encodeJson({ b: 1, a: { y: 2, x: 1 } })).toBe(encodeJson({ a: { x: 1, y: 2 }, b: 1 }));
    expect(encodeJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('round-trips any JSON value (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      // -0 has no JSON spelling; it comes back as 0 as with JSON.parse.
      expect(decodeJson(encodeJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }));
  });
});

describe('candle chunks', () => {
  const cols = () => ({
    time: Float64Array.of(1, 2, 3), open: Float64Array.of(10, 20, 30), high: Float64Array.of(11, 21, 31),
    low: Float64Array.of(9, 19, 29), close: Float64Array.of(10.5, 20.5, 30.5), volume: Float64Array.of(0, 5, 1e-9),
  });

  it('round-trips six float64 columns bit for bit', () => {
    const c = cols();
    const data = encodeCandleChunk(c);
    expect(data.byteLength).toBe(3 * 48);
    expect(decodeCandleChunk(data)).toEqual(c);
    expect(Array.from(candleChunkTimes(data))).toEqual([1, 2, 3]);
  });

  it('decodes a slice into an offset of larger columns, even from an unaligned buffer', () => {
    const data = encodeCandleChunk(cols());
    const unaligned = new Uint8Array(data.byteLength + 3).subarray(3);
    unaligned.set(data);
    const target = { time: new Float64Array(4), open: new Float64Array(4), high: new Float64Array(4), low: new Float64Array(4), close: new Float64Array(4), volume: new Float64Array(4) };
    decodeCandleChunkInto(unaligned, target, 2, 1, 3);
    expect(Array.from(target.time)).toEqual([0, 0, 2, 3]);
    expect(Array.from(target.close)).toEqual([0, 0, 20.5, 30.5]);
  });

  it('rejects a blob whose length is not a whole number of candles', () => {
    expect(() => decodeCandleChunk(new Uint8Array(47))).toThrow(/corrupt candle chunk/);
  });
});
