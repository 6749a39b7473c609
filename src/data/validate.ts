/**
 * Turns raw rows into a validated BarTable: value rules, time order, duplicates, the timeframe,
 * gaps, and the repair policy. Every rule failure is either an error naming the file, row and
 * field, or (under `drop`/`ffill`) an entry in the report — never a silent change.
 */
import { DataError } from '../core/errors.js';
import { DAY_MS, WEEK_MS, isoTime, timeframeMs, timeframeOf } from '../core/time.js';
import { BarTable } from '../model/bar.js';
import { bucketStart } from './candle-builder.js';
import type { Problem, RawBars } from './raw.js';
import type { Gap, MarketCalendar, RepairPolicy, RepairReport } from './types.js';

export interface FinishContext {
  readonly source: string;
  readonly symbol: string;
  readonly symbolSource: RepairReport['symbolSource'];
  /** Timeframe from the caller (`option`) or the file name. */
  readonly timeframe?: { readonly value: string; readonly source: 'option' | 'file-name' };
  readonly repair: RepairPolicy;
  readonly calendar?: MarketCalendar;
}

function fmt(value: number): string {
  return String(value);
}

/** Applies the per-row value rules; returns the problems found (rows stay in place, marked in `bad`). */
function checkValues(raw: RawBars, bad: Uint8Array): Problem[] {
  const problems: Problem[] = [];
  const { time, open, high, low, close, volume, row, names } = raw;
  const report = (i: number, field: string, reason: string): void => {
    bad[i] = 1;
    problems.push({ row: row[i]!, field, reason });
  };
  for (let i = 0; i < raw.count; i++) {
    const t = time[i]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    // Fast path: a well-formed bar passes one combined test.
    if (o > 0 && h >= l && l > 0 && o >= l && o <= h && c >= l && c <= h && v >= 0 && h < Infinity && v < Infinity && Number.isFinite(t)) continue;
    if (!Number.isFinite(t)) { report(i, names.time, `timestamp ${fmt(t)} is out of range`); continue; }
    const prices: Array<[string, number]> = [[names.open, o], [names.high, h], [names.low, l], [names.close, c]];
    const infinite = prices.find(([, x]) => !Number.isFinite(x));
    if (infinite) { report(i, infinite[0], `price is not finite (${fmt(infinite[1])})`); continue; }
    const nonPositive = prices.find(([, x]) => !(x > 0));
    if (nonPositive) { report(i, nonPositive[0], `price must be positive, got ${fmt(nonPositive[1])}`); continue; }
    if (h < l) { report(i, names.high, `high ${fmt(h)} is below low ${fmt(l)}`); continue; }
    if (o < l || o > h) { report(i, names.open, `open ${fmt(o)} is outside the bar's range [low ${fmt(l)}, high ${fmt(h)}]`); continue; }
    if (c < l || c > h) { report(i, names.close, `close ${fmt(c)} is outside the bar's range [low ${fmt(l)}, high ${fmt(h)}]`); continue; }
    if (!Number.isFinite(v)) { report(i, names.volume, `volume is not finite (${fmt(v)})`); continue; }
    if (v < 0) { report(i, names.volume, `volume must not be negative, got ${fmt(v)}`); continue; }
  }
  return problems;
}

function byRow(a: Problem, b: Problem): number {
  return a.row - b.row;
}

function throwFirst(problems: Problem[], source: string): never {
  const sorted = [...problems].sort(byRow);
  const first = sorted[0]!;
  const more = sorted.length - 1;
  const suffix = more > 0 ? ` (and ${more} more bad row${more === 1 ? '' : 's'}; repair 'drop' would drop them and report each)` : '';
  throw new DataError(first.reason + suffix, { source, row: first.row, field: first.field });
}

/** Median of the positive spacings between consecutive (sorted, distinct) times. */
function medianSpacing(time: Float64Array, order: Int32Array, count: number): number {
  // Most files are evenly spaced: one pass answers without sorting a million spacings.
  const first = time[order[1]!]! - time[order[0]!]!;
  let uniform = true;
  for (let k = 2; k < count && uniform; k++) uniform = time[order[k]!]! - time[order[k - 1]!]! === first;
  if (uniform) return first;
  const d = new Float64Array(count - 1);
  for (let k = 1; k < count; k++) d[k - 1] = time[order[k]!]! - time[order[k - 1]!]!;
  d.sort();
  return d[(d.length - 1) >> 1]!;
}

function weekday(time: number): number {
  // 1970-01-01 was a Thursday; 0 = Sunday … 6 = Saturday.
  return (((Math.floor(time / DAY_MS) + 4) % 7) + 7) % 7;
}

/**
 * Validates and repairs raw rows into a table. Errors name the source, row and field.
 */
export function finishBars(raw: RawBars, ctx: FinishContext): { table: BarTable; report: RepairReport } {
  const { source, repair } = ctx;
  const n = raw.count;
  const bad = new Uint8Array(n);
  const problems: Problem[] = [...raw.problems, ...checkValues(raw, bad)];
  if (repair === 'none' && problems.length > 0) throwFirst(problems, source);
  const dropped: Problem[] = [...problems];
  const { time, row, names } = raw;

  // Good rows in file order.
  let kept = 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) if (!bad[i]) order[kept++] = i;

  // Time order and duplicates.
  let sorted = true;
  for (let k = 1; k < kept; k++) {
    const prev = order[k - 1]!;
    const cur = order[k]!;
    if (time[cur]! > time[prev]!) continue;
    if (repair === 'none') {
      const reason = time[cur] === time[prev]
        ? `duplicate timestamp ${isoTime(time[cur]!)} (row ${row[prev]} has the same)`
        : `timestamp ${isoTime(time[cur]!)} is earlier than ${isoTime(time[prev]!)} on row ${row[prev]}: rows must be in time order`;
      throw new DataError(reason, { source, row: row[cur]!, field: names.time });
    }
    sorted = false;
    break;
  }
  let reordered = 0;
  if (!sorted) {
    let runningMax = -Infinity;
    for (let k = 0; k < kept; k++) {
      const t = time[order[k]!]!;
      if (t < runningMax) reordered++;
      else runningMax = t;
    }
    // Stable sort: equal times stay in file order, so the last of each run is the latest row.
    const view = Array.from(order.subarray(0, kept));
    view.sort((a, b) => time[a]! - time[b]! || a - b);
    order.set(view);
    let w = 0;
    for (let k = 0; k < kept; k++) {
      const i = order[k]!;
      const next = k + 1 < kept ? order[k + 1]! : -1;
      if (next >= 0 && time[next] === time[i]) {
        // The later row in the file wins: a re-download or correction is appended after the original.
        let last = k + 1;
        while (last + 1 < kept && time[order[last + 1]!] === time[i]) last++;
        dropped.push({ row: row[i]!, field: names.time, reason: `duplicate timestamp ${isoTime(time[i]!)}; row ${row[order[last]!]} (later in the file) was kept` });
        continue;
      }
      order[w++] = i;
    }
    kept = w;
  }
  if (kept === 0) {
    throw new DataError(`no usable bars: all ${raw.rows} rows were dropped (first: ${describeFirst(dropped)})`, { source });
  }

  // Timeframe.
  let timeframe: string;
  let timeframeSource: RepairReport['timeframeSource'];
  const median = kept >= 2 ? medianSpacing(time, order, kept) : Number.NaN;
  if (ctx.timeframe?.source === 'option') {
    timeframe = ctx.timeframe.value;
    timeframeSource = 'option';
  } else if (raw.timeframeHintMs !== undefined && timeframeOf(raw.timeframeHintMs) !== undefined) {
    timeframe = timeframeOf(raw.timeframeHintMs)!;
    timeframeSource = 'close-time';
  } else if (ctx.timeframe) {
    timeframe = ctx.timeframe.value;
    timeframeSource = 'file-name';
  } else {
    if (kept < 2) throw new DataError('cannot infer the timeframe from a single bar; pass the timeframe (e.g. 1h)', { source });
    if (median >= 28 * DAY_MS && median <= 31 * DAY_MS) {
      throw new DataError('bars are about a month apart; monthly bars are not supported (timeframes are fixed lengths: s, m, h, d, w)', { source });
    }
    const inferred = timeframeOf(median);
    if (inferred === undefined) {
      throw new DataError(`cannot infer the timeframe: the median spacing between bars is ${median} ms, not a whole number of seconds; pass the timeframe`, { source });
    }
    timeframe = inferred;
    timeframeSource = 'inferred';
  }
  const step = timeframeMs(timeframe);
  if (median < step) {
    const found = timeframeOf(median) ?? `${median} ms`;
    const where = timeframeSource === 'option' ? 'the timeframe option' : timeframeSource === 'file-name' ? 'the file name' : 'the close times';
    throw new DataError(`${where} says ${timeframe}, but the bars are ${found} apart (median); pass timeframe ${found}, or load at ${found} and resample`, { source, field: names.time });
  }

  // A timeframe period holds one bar. Periods, not raw spacing, decide: weekly bars stamped on
  // the week's last trading day are 6 or 8 days apart around a holiday, yet one per week.
  {
    let w = 1;
    for (let k = 1; k < kept; k++) {
      const i = order[k]!;
      const prev = order[w - 1]!;
      if (bucketStart(time[i]!, step) === bucketStart(time[prev]!, step)) {
        const reason = `bar at ${isoTime(time[i]!)} falls in the same ${timeframe} period as the bar on row ${row[prev]} (${isoTime(time[prev]!)})`;
        if (repair === 'none') throw new DataError(reason, { source, row: row[i]!, field: names.time });
        dropped.push({ row: row[i]!, field: names.time, reason: `${reason}; dropped` });
        continue;
      }
      order[w++] = i;
    }
    kept = w;
  }

  // Calendar and gaps.
  const first = time[order[0]!]!;
  const last = time[order[kept - 1]!]!;
  let calendar: MarketCalendar = ctx.calendar ?? '24/7';
  if (ctx.calendar === undefined && step < WEEK_MS && last - first >= WEEK_MS) {
    let saturday = false;
    for (let k = 0; k < kept && !saturday; k++) saturday = weekday(time[order[k]!]!) === 6;
    if (!saturday) calendar = 'sessions';
  }
  const gaps: Gap[] = [];
  let missingBars = 0;
  let sessionBreaks = 0;
  let misaligned = 0;
  for (let k = 1; k < kept; k++) {
    const prev = order[k - 1]!;
    const spacing = time[order[k]!]! - time[prev]!;
    if (spacing % step !== 0) misaligned++;
    const missing = Math.round((bucketStart(time[order[k]!]!, step) - bucketStart(time[prev]!, step)) / step) - 1;
    if (missing <= 0) continue;
    const prevEnd = time[prev]! + step;
    const kind = calendar === 'sessions' && Math.floor(prevEnd / DAY_MS) < Math.floor(time[order[k]!]! / DAY_MS) ? 'session-break' : 'gap';
    if (kind === 'gap') missingBars += missing;
    else sessionBreaks++;
    gaps.push({ after: time[prev]!, until: time[order[k]!]!, missing, kind, row: row[prev]! });
  }

  // Output columns.
  const fill = repair === 'ffill' ? missingBars : 0;
  const total = kept + fill;
  // Nothing dropped, moved or filled: the raw columns are the table (no copy).
  const identity = kept === n && fill === 0 && sorted;
  let table: BarTable;
  if (identity) {
    table = new BarTable(
      ctx.symbol, timeframe, raw.time.subarray(0, n), raw.open.subarray(0, n), raw.high.subarray(0, n),
      raw.low.subarray(0, n), raw.close.subarray(0, n), raw.volume.subarray(0, n),
    );
  } else {
    const T = new Float64Array(total);
    const O = new Float64Array(total);
    const H = new Float64Array(total);
    const L = new Float64Array(total);
    const C = new Float64Array(total);
    const V = new Float64Array(total);
    let w = 0;
    let g = 0;
    for (let k = 0; k < kept; k++) {
      const i = order[k]!;
      T[w] = time[i]!;
      O[w] = raw.open[i]!;
      H[w] = raw.high[i]!;
      L[w] = raw.low[i]!;
      C[w] = raw.close[i]!;
      V[w] = raw.volume[i]!;
      w++;
      if (fill > 0 && g < gaps.length && gaps[g]!.after === time[i]) {
        const gap = gaps[g++]!;
        if (gap.kind === 'gap') {
          const price = C[w - 1]!;
          for (let m = 1; m <= gap.missing; m++) {
            T[w] = time[i] + m * step;
            O[w] = price;
            H[w] = price;
            L[w] = price;
            C[w] = price;
            V[w] = 0;
            w++;
          }
        }
      }
    }
    table = new BarTable(ctx.symbol, timeframe, T, O, H, L, C, V);
  }

  dropped.sort(byRow);
  return {
    table,
    report: {
      policy: repair,
      rows: raw.rows,
      bars: total,
      dropped,
      reordered,
      filled: fill,
      gaps,
      missingBars,
      sessionBreaks,
      misaligned,
      calendar,
      timeframe,
      timeframeSource,
      symbolSource: ctx.symbolSource,
      timeFormat: raw.timeFormat ?? 'unknown',
      columns: raw.columns,
    },
  };
}

function describeFirst(dropped: Problem[]): string {
  const first = [...dropped].sort(byRow)[0];
  if (!first) return 'none';
  return `row ${first.row}${first.field ? `, field "${first.field}"` : ''}: ${first.reason}`;
}
