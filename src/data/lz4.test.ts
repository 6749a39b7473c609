import { describe, expect, it } from 'vitest';
import { lz4FrameDecode } from './lz4.js';

const MAGIC = [0x04, 0x22, 0x4d, 0x18];
/** FLG: version 01, independent blocks; BD: 64 KiB max block; the header checksum byte is not verified. */
const HEADER = [...MAGIC, 0x60, 0x40, 0x00];
const u32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('lz4FrameDecode', () => {
  it('copies uncompressed blocks', () => {
    const payload = [...new TextEncoder().encode('hello')];
    const frame = new Uint8Array([...HEADER, ...u32(0x80000000 | payload.length), ...payload, ...u32(0)]);
    expect(text(lz4FrameDecode(frame))).toBe('hello');
  });

  it('expands literals and overlapping matches', () => {
    // token 0x35: 3 literals "abc", then a match of 5 + 4 = 9 bytes at offset 3 (overlapping), then literal "x".
    const block = [0x35, 97, 98, 99, 3, 0, 0x10, 120];
    const frame = new Uint8Array([...HEADER, ...u32(block.length), ...block, ...u32(0)]);
    expect(text(lz4FrameDecode(frame))).toBe('abcabcabcabcx');
  });

  it('reads extended literal and match lengths', () => {
    const literals = Array.from({ length: 20 }, (_, i) => 65 + i); // "ABCDEFGHIJKLMNOPQRST"
    // 20 literals = 15 + 5; match length 4 + 15 + 3 = 22 at offset 20.
    const block = [0xff, 5, ...literals, 20, 0, 3, 0x10, 33];
    const frame = new Uint8Array([...HEADER, ...u32(block.length), ...block, ...u32(0)]);
    const expected = 'ABCDEFGHIJKLMNOPQRST' + 'ABCDEFGHIJKLMNOPQRSTAB' + '!';
    expect(text(lz4FrameDecode(frame))).toBe(expected);
  });

  it('follows a match into an earlier block of the same frame (linked blocks)', () => {
    const first = [0x40, 119, 120, 121, 122]; // literals "wxyz"
    const second = [0x00, 4, 0, 0x10, 33]; // match 4 bytes at offset 4, then "!"
    const linked = [...MAGIC, 0x40, 0x40, 0x00];
    const frame = new Uint8Array([...linked, ...u32(first.length), ...first, ...u32(second.length), ...second, ...u32(0)]);
    expect(text(lz4FrameDecode(frame))).toBe('wxyzwxyz!');
  });

  it('rejects corrupt input instead of returning garbage', () => {
    expect(() => lz4FrameDecode(new Uint8Array([1, 2, 3, 4, 5, 6, 7]))).toThrow(/bad magic/);
    const badOffset = [0x10, 97, 9, 0];
    expect(() => lz4FrameDecode(new Uint8Array([...HEADER, ...u32(badOffset.length), ...badOffset, ...u32(0)]))).toThrow(/offset out of range/);
    expect(() => lz4FrameDecode(new Uint8Array([...HEADER, ...u32(50), 1, 2]))).toThrow(/past the input/);
  });
});
