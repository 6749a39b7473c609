/**
 * CSV reader: generic OHLCV files with a header, pandas exports, Yahoo/backtrader text files,
 * Freqtrade's converted CSVs and Binance kline CSVs (with or without header). It parses straight
 * from the bytes into typed columns — no string or object per row — because it feeds benchmarks
 * that replay millions of bars per second.
 */
import { DataError } from '../core/errors.js';
import {
  ROLE_CLOCK, ROLE_CLOSE, ROLE_DATE, ROLE_HIGH, ROLE_IGNORE, ROLE_LOW, ROLE_OPEN, ROLE_TIME, ROLE_VOLUME,
  isBinanceHeader, mapHeader, positionalColumns, type ColumnMap,
} from './columns.js';
import { allocateRaw, describeBadNumber, growRaw, quote, type RawBars } from './raw.js';
import {
  SCAN_RANGE, SCAN_UNIT, scan, scanIsoTime, scanNumber, scanTimeOfDay, scanTimestamp, timeScanState,
  type EpochUnit, type TimeScanState,
} from './scan.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

export interface CsvRead {
  readonly raw: RawBars;
  readonly format: 'csv' | 'binance';
}

/** One line split into fields (header and first data row only; the hot loop never builds strings). */
interface Line {
  readonly fields: string[];
  /** Position after the line's end of line. */
  readonly next: number;
  /** Line breaks consumed (more than one when a quoted field spans lines). */
  readonly breaks: number;
}

function splitLine(b: Uint8Array, p: number, delimiter: number): Line {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let breaks = 0;
  const end = b.length;
  while (p < end) {
    const c = b[p]!;
    if (inQuotes) {
      if (c === QUOTE) {
        if (b[p + 1] === QUOTE) {
          field += '"';
          p += 2;
          continue;
        }
        inQuotes = false;
      } else {
        if (c === LF) breaks++;
        field += String.fromCharCode(c);
      }
      p++;
      continue;
    }
    if (c === QUOTE) {
      inQuotes = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === LF || c === CR) {
      p += c === CR && b[p + 1] === LF ? 2 : 1;
      breaks++;
      fields.push(field);
      return { fields, next: p, breaks };
    } else {
      field += String.fromCharCode(c);
    }
    p++;
  }
  fields.push(field);
  return { fields, next: p, breaks };
}

function detectDelimiter(b: Uint8Array, p: number): number {
  const counts = new Map<number, number>([[44, 0], [59, 0], [TAB, 0]]);
  let inQuotes = false;
  for (; p < b.length; p++) {
    const c = b[p]!;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) break;
    else if (!inQuotes && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = 44;
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return best;
}

const NUMBER_CELL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_CELL = /^\d{4}[-/]\d{2}[-/]\d{2}/;

function looksLikeData(cell: string): boolean {
  const t = cell.trim();
  return NUMBER_CELL.test(t) || DATE_CELL.test(t);
}

/** Skips blank lines; returns the position of the first non-blank byte and the lines skipped. */
function skipBlankLines(b: Uint8Array, p: number): { p: number; lines: number } {
  let lines = 0;
  for (;;) {
    let q = p;
    while (q < b.length && (b[q] === SPACE || b[q] === TAB)) q++;
    if (q < b.length && (b[q] === LF || b[q] === CR)) {
      p = q + (b[q] === CR && b[q + 1] === LF ? 2 : 1);
      lines++;
      continue;
    }
    return { p, lines };
  }
}

function timeProblem(text: string, error: number, state: TimeScanState): string {
  if (text.trim() === '') return 'timestamp is empty';
  if (error === SCAN_UNIT) {
    return `timestamp ${quote(text)} has a different magnitude than the first one (read as epoch ${state.unit === 'us' ? 'µs' : state.unit}); ` +
      'every row must use the same unit';
  }
  if (error === SCAN_RANGE) return `timestamp ${quote(text)} is not a valid date or time`;
  return `cannot read ${quote(text)} as a timestamp (expected epoch seconds/ms/µs, ISO-8601 or YYYY-MM-DD HH:MM:SS)`;
}

/**
 * Reads CSV bytes into raw columns. Rows that cannot be read become problems (row, field,
 * reason); the rows that can are returned for validation.
 */
export function readCsv(b: Uint8Array, source: string, timeUnit?: EpochUnit): CsvRead {
  let p = 0;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) p = 3;
  const lead = skipBlankLines(b, p);
  p = lead.p;
  let line = 1 + lead.lines;
  if (p >= b.length) throw new DataError('the file is empty', { source });

  const delimiter = detectDelimiter(b, p);
  const first = splitLine(b, p, delimiter);
  const firstCells = first.fields;
  const headerless = firstCells.every(looksLikeData);
  let map: ColumnMap;
  let format: 'csv' | 'binance' = 'csv';
  let dataStart: number;
  let dataLine: number;
  if (headerless) {
    map = positionalColumns(firstCells.length, source);
    format = firstCells.length === 12 ? 'binance' : 'csv';
    dataStart = p;
    dataLine = line;
  } else {
    const afterHeader = skipBlankLines(b, first.next);
    const sample = afterHeader.p < b.length ? splitLine(b, afterHeader.p, delimiter).fields : [];
    map = mapHeader(firstCells, (i) => sample[i], source);
    if (isBinanceHeader(firstCells)) format = 'binance';
    dataStart = first.next;
    dataLine = line + first.breaks;
  }
  line = dataLine;

  // Capacity from the length of the first lines (counting every line break costs a tenth of the
  // parse); the columns grow if the estimate falls short.
  let sampled = 0;
  let q = dataStart;
  while (sampled < 64 && q < b.length) {
    const next = b.indexOf(LF, q);
    if (next < 0) break;
    q = next + 1;
    sampled++;
  }
  const capacity = sampled === 0 ? 1 : Math.ceil(((b.length - dataStart) / Math.max(1, q - dataStart)) * sampled * 1.05) + 16;
  const raw = allocateRaw(capacity, map.names, map.columns);
  const state = timeScanState(timeUnit);
  const roles = map.roles;
  const columnCount = roles.length;
  const names = map.names;
  let { time: T, open: O, high: H, low: L, close: C, volume: V, row: R } = raw;
  const end = b.length;
  let scratch = new Uint8Array(64);
  let n = 0;
  let rows = 0;
  let closeTimeSample = Number.NaN;
  let problemRow = 0;
  let problemField = '';
  let problemReason = '';

  p = dataStart;
  while (p < end) {
    // Blank lines (and whitespace-only lines) are skipped but counted.
    let q = p;
    while (q < end && (b[q] === SPACE || b[q] === TAB)) q++;
    if (q >= end) break;
    if (b[q] === LF || b[q] === CR) {
      p = q + (b[q] === CR && b[q + 1] === LF ? 2 : 1);
      line++;
      continue;
    }
    rows++;
    const rowLine = line;
    let col = 0;
    let ok = true;
    let t = Number.NaN;
    let date = Number.NaN;
    let clock = Number.NaN;
    let o = Number.NaN;
    let h = Number.NaN;
    let l = Number.NaN;
    let c = Number.NaN;
    let v = Number.NaN;
    for (;;) {
      while (p < end && (b[p] === SPACE || (b[p] === TAB && delimiter !== TAB))) p++;
      const role = col < columnCount ? roles[col]! : ROLE_IGNORE;
      const fieldStart = p;
      // Field text source: the file itself, or (for a quoted field) its unquoted copy.
      let src = b;
      let s = p;
      let e = end;
      if (p < end && b[p] === QUOTE) {
        let k = 0;
        p++;
        for (;;) {
          if (p >= end) break;
          const ch = b[p]!;
          if (ch === QUOTE) {
            if (b[p + 1] === QUOTE) {
              p++;
            } else {
              p++;
              break;
            }
          } else if (ch === LF) {
            line++;
          }
          if (k === scratch.length) {
            const grown = new Uint8Array(scratch.length * 2);
            grown.set(scratch);
            scratch = grown;
          }
          scratch[k++] = b[p]!;
          p++;
        }
        while (k > 0 && (scratch[k - 1] === SPACE || scratch[k - 1] === TAB)) k--;
        src = scratch;
        s = 0;
        while (s < k && (scratch[s] === SPACE || scratch[s] === TAB)) s++;
        e = k;
      }
      let value = 0;
      let parsed = true;
      let after = 0;
      if (role !== ROLE_IGNORE) {
        switch (role) {
          case ROLE_TIME: value = scanTimestamp(src, s, e, state); break;
          case ROLE_DATE: value = scanIsoTime(src, s, e); break;
          case ROLE_CLOCK: value = scanTimeOfDay(src, s, e); break;
          default: value = scanNumber(src, s, e);
        }
        after = scan.end;
        parsed = value === value; // not NaN
        if (parsed) {
          // The scanner must have consumed the whole field (trailing spaces allowed).
          while (after < e && (src[after] === SPACE || (src[after] === TAB && delimiter !== TAB))) after++;
          if (src === b) {
            const ch = after < end ? b[after]! : LF;
            if (ch !== delimiter && ch !== LF && ch !== CR) parsed = false;
            else p = after;
          } else if (after !== e) {
            parsed = false;
          }
        }
        if (!parsed) {
          const error = scan.error;
          // Slow path: find the field's text for the message, then skip the rest of the line.
          let fe = src === b ? fieldStart : e;
          if (src === b) while (fe < end && b[fe] !== delimiter && b[fe] !== LF && b[fe] !== CR) fe++;
          const text = src === b ? latin1Slice(b, fieldStart, fe) : latin1Slice(scratch, s, e);
          problemRow = rowLine;
          if (role === ROLE_TIME || role === ROLE_DATE) {
            problemField = names.time;
            problemReason = timeProblem(text, error, state);
          } else if (role === ROLE_CLOCK) {
            problemField = map.columns.time.split(' + ')[1] ?? names.time;
            problemReason = `cannot read ${quote(text)} as a clock time (expected HH:MM or HH:MM:SS)`;
          } else {
            problemField = role === ROLE_OPEN ? names.open : role === ROLE_HIGH ? names.high : role === ROLE_LOW ? names.low : role === ROLE_CLOSE ? names.close : names.volume;
            problemReason = describeBadNumber(text);
          }
          ok = false;
          break;
        }
        switch (role) {
          case ROLE_TIME: t = value; break;
          case ROLE_DATE: date = value; break;
          case ROLE_CLOCK: clock = value; break;
          case ROLE_OPEN: o = value; break;
          case ROLE_HIGH: h = value; break;
          case ROLE_LOW: l = value; break;
          case ROLE_CLOSE: c = value; break;
          default: v = value;
        }
      } else if (src === b) {
        if (col === map.closeTimeColumn && n === 0) {
          closeTimeSample = scanNumber(b, p, end);
        }
        while (p < end && b[p] !== delimiter && b[p] !== LF && b[p] !== CR) p++;
      } else {
        // A quoted field was skipped; step over anything between the closing quote and the delimiter.
        while (p < end && b[p] !== delimiter && b[p] !== LF && b[p] !== CR) p++;
      }
      if (src !== b) while (p < end && (b[p] === SPACE || (b[p] === TAB && delimiter !== TAB))) p++;
      if (p < end && b[p] === delimiter) {
        p++;
        col++;
        continue;
      }
      break;
    }
    if (ok && col + 1 !== columnCount) {
      ok = false;
      problemRow = rowLine;
      if (col + 1 < columnCount) {
        const missing = firstMissingField(roles, col + 1, names, map);
        problemField = missing ?? '';
        problemReason = `the row has ${col + 1} field${col === 0 ? '' : 's'} but the ${headerless ? 'first row' : 'header'} has ${columnCount}`;
        if (missing === undefined) ok = true; // only ignored columns are missing
      } else {
        problemField = '';
        problemReason = `the row has ${col + 1} fields but the ${headerless ? 'first row' : 'header'} has ${columnCount} (an unquoted delimiter inside a value?)`;
      }
    }
    if (ok) {
      if (n === T.length) {
        raw.count = n;
        growRaw(raw, Math.ceil(n * 1.5) + 1024);
        ({ time: T, open: O, high: H, low: L, close: C, volume: V, row: R } = raw);
      }
      T[n] = map.splitDateTime ? date + clock : t;
      O[n] = o;
      H[n] = h;
      L[n] = l;
      C[n] = c;
      V[n] = v;
      R[n] = rowLine;
      n++;
    } else {
      raw.problems.push(problemField ? { row: problemRow, field: problemField, reason: problemReason } : { row: problemRow, reason: problemReason });
    }
    // Skip to the start of the next line.
    while (p < end && b[p] !== LF && b[p] !== CR) p++;
    if (p < end) {
      p += b[p] === CR && b[p + 1] === LF ? 2 : 1;
      line++;
    }
  }
  raw.count = n;
  raw.rows = rows;
  raw.timeFormat = map.splitDateTime ? 'iso' : state.sawIso && !state.sawEpoch ? 'iso' : state.sawEpoch && !state.sawIso ? `epoch-${state.unit}` : state.sawIso ? 'mixed' : undefined;
  if (n > 0 && closeTimeSample === closeTimeSample && state.unit !== undefined) {
    // close_time is the bar's last instant: open + length − one unit of the file's timestamps.
    const unitMs = state.unit === 's' ? 1000 : state.unit === 'ms' ? 1 : state.unit === 'us' ? 1e-3 : 1e-6;
    const lengthMs = Math.round(closeTimeSample * unitMs - T[0]! + unitMs);
    if (lengthMs > 0) raw.timeframeHintMs = lengthMs;
  }
  if (rows === 0) throw new DataError('the file has a header but no data rows', { source, row: dataLine });
  return { raw, format };
}

function firstMissingField(roles: Int8Array, from: number, names: ColumnMap['names'], map: ColumnMap): string | undefined {
  for (let i = from; i < roles.length; i++) {
    switch (roles[i]) {
      case ROLE_TIME: case ROLE_DATE: return names.time;
      case ROLE_CLOCK: return map.columns.time.split(' + ')[1] ?? names.time;
      case ROLE_OPEN: return names.open;
      case ROLE_HIGH: return names.high;
      case ROLE_LOW: return names.low;
      case ROLE_CLOSE: return names.close;
      case ROLE_VOLUME: return names.volume;
      default: break;
    }
  }
  return undefined;
}

function latin1Slice(b: Uint8Array, start: number, end: number): string {
  return new TextDecoder('latin1').decode(b.subarray(start, end));
}
