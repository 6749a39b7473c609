/**
 * Unwraps compressed inputs: gzip (`.json.gz`, `.csv.gz`) and single-file ZIP archives (how
 * data.binance.vision serves its monthly kline CSVs), so users can load downloads as they are.
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { DataError } from '../core/errors.js';

function u16(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && u32(b, 0) === 0x04034b50;
}

/** The single file inside a ZIP archive (stored or deflated). */
function unzipSingle(b: Uint8Array, source: string): Uint8Array {
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let p = b.length - 22; p >= Math.max(0, b.length - 65557); p--) {
    if (u32(b, p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new DataError('not a readable ZIP archive (no central directory)', { source });
  const entries = u16(b, eocd + 10);
  let p = u32(b, eocd + 16);
  const files: Array<{ name: string; method: number; size: number; local: number }> = [];
  for (let i = 0; i < entries; i++) {
    if (u32(b, p) !== 0x02014b50) throw new DataError('not a readable ZIP archive (bad central directory)', { source });
    const method = u16(b, p + 10);
    const size = u32(b, p + 20);
    const nameLength = u16(b, p + 28);
    const extraLength = u16(b, p + 30);
    const commentLength = u16(b, p + 32);
    const local = u32(b, p + 42);
    const name = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLength));
    if (!name.endsWith('/')) files.push({ name, method, size, local });
    p += 46 + nameLength + extraLength + commentLength;
  }
  if (files.length !== 1) {
    throw new DataError(`the ZIP archive holds ${files.length} files (${files.map((f) => f.name).join(', ')}); extract the one to load`, { source });
  }
  const file = files[0]!;
  if (u32(b, file.local) !== 0x04034b50) throw new DataError('not a readable ZIP archive (bad local header)', { source });
  const start = file.local + 30 + u16(b, file.local + 26) + u16(b, file.local + 28);
  const data = b.subarray(start, start + file.size);
  if (file.method === 0) return data;
  if (file.method === 8) {
    try {
      return inflateRawSync(data);
    } catch (error) {
      throw new DataError(`cannot decompress ${file.name} in the ZIP archive: ${(error as Error).message}`, { source }, { cause: error });
    }
  }
  throw new DataError(`the ZIP archive uses compression method ${file.method}; only stored and deflate are supported`, { source });
}

/** The bytes inside `b` when it is gzip- or zip-compressed; `b` itself otherwise. */
export function unwrapArchive(b: Uint8Array, source: string): Uint8Array {
  try {
    if (isGzip(b)) return gunzipSync(b);
  } catch (error) {
    throw new DataError(`cannot decompress the gzip file: ${(error as Error).message}`, { source }, { cause: error });
  }
  if (isZip(b)) return unzipSingle(b, source);
  return b;
}
