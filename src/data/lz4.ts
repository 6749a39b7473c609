/**
 * LZ4 frame decompression, so that Freqtrade's feather files (Arrow IPC with LZ4_FRAME-compressed
 * buffers, pandas' default) load without a native dependency. Decode only: Arbiter never writes
 * compressed Arrow. Checksums are skipped; a truncated or corrupt frame raises a RangeError that
 * the feather reader turns into a DataError naming the file.
 */

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

function readU32(b: Uint8Array, p: number): number {
  if (p + 4 > b.length) throw new RangeError('LZ4: unexpected end of input');
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** A byte buffer that grows by doubling. */
class Output {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Decodes one LZ4 block (`src[start, end)`) onto the end of `out`; earlier output serves as the dictionary. */
function decodeBlock(src: Uint8Array, start: number, end: number, out: Output): void {
  let p = start;
  while (p < end) {
    const token = src[p++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let add: number;
      do {
        if (p >= end) throw new RangeError('LZ4: truncated literal length');
        add = src[p++]!;
        literals += add;
      } while (add === 255);
    }
    if (p + literals > end) throw new RangeError('LZ4: literals run past the block');
    out.reserve(literals);
    out.bytes.set(src.subarray(p, p + literals), out.length);
    out.length += literals;
    p += literals;
    if (p >= end) break; // the last sequence has literals only
    if (p + 2 > end) throw new RangeError('LZ4: truncated match offset');
    const offset = src[p]! | (src[p + 1]! << 8);
    p += 2;
    if (offset === 0 || offset > out.length) throw new RangeError('LZ4: match offset out of range');
    let matchLength = (token & 15) + 4;
    if ((token & 15) === 15) {
      let add: number;
      do {
        if (p >= end) throw new RangeError('LZ4: truncated match length');
        add = src[p++]!;
        matchLength += add;
      } while (add === 255);
    }
    out.reserve(matchLength);
    const bytes = out.bytes;
    let from = out.length - offset;
    let to = out.length;
    if (offset >= matchLength) {
      bytes.copyWithin(to, from, from + matchLength);
    } else {
      // Overlapping copy repeats the last `offset` bytes, so it must go byte by byte.
      for (let i = 0; i < matchLength; i++) bytes[to++] = bytes[from++]!;
    }
    out.length += matchLength;
  }
}

/**
 * Decompresses a sequence of LZ4 frames (skippable frames are ignored).
 * @example lz4FrameDecode(compressedBytes) // → original bytes
 */
export function lz4FrameDecode(src: Uint8Array): Uint8Array {
  const out = new Output(src.length * 4);
  let p = 0;
  while (p < src.length) {
    const magic = readU32(src, p);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      p += 8 + readU32(src, p + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new RangeError('LZ4: not an LZ4 frame (bad magic number)');
    p += 4;
    if (p + 2 > src.length) throw new RangeError('LZ4: truncated frame header');
    const flags = src[p]!;
    if (flags >>> 6 !== 1) throw new RangeError('LZ4: unsupported frame version');
    const blockChecksum = (flags & 0x10) !== 0;
    const contentSize = (flags & 0x08) !== 0;
    const contentChecksum = (flags & 0x04) !== 0;
    const dictId = (flags & 0x01) !== 0;
    if (dictId) throw new RangeError('LZ4: frames with a dictionary are not supported');
    p += 2; // FLG, BD
    if (contentSize) p += 8;
    p += 1; // header checksum
    for (;;) {
      const word = readU32(src, p);
      p += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      if (p + size > src.length) throw new RangeError('LZ4: block runs past the input');
      if ((word & 0x80000000) !== 0) {
        out.reserve(size);
        out.bytes.set(src.subarray(p, p + size), out.length);
        out.length += size;
      } else {
        decodeBlock(src, p, p + size, out);
      }
      p += size;
      if (blockChecksum) p += 4;
    }
    if (contentChecksum) p += 4;
  }
  return out.bytes.subarray(0, out.length);
}
