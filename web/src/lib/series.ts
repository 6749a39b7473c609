/** Turning API series into what the charts draw. Pure functions (tested in series.test.ts). */

/** A point on a time chart: time in UTC epoch milliseconds. */
export interface Point {
  readonly time: number;
  readonly value: number;
}

/**
 * Drawdown at each point: equity / running peak − 1 (0 at a new high, negative below it).
 *
 * @example drawdown([{time: 1, value: 100}, {time: 2, value: 80}]) // values 0, -0.2
 */
export function drawdown(equity: readonly Point[]): Point[] {
  let peak = -Infinity;
  const out: Point[] = [];
  for (const p of equity) {
    if (!Number.isFinite(p.value)) continue;
    if (p.value > peak) peak = p.value;
    out.push({ time: p.time, value: peak > 0 ? p.value / peak - 1 : 0 });
  }
  return out;
}

/** The deepest drawdown (a negative fraction, or 0). */
export function maxDrawdown(equity: readonly Point[]): number {
  let worst = 0;
  for (const p of drawdown(equity)) if (p.value < worst) worst = p.value;
  return worst;
}

/**
 * Sorted by time with one point per time (the last one wins) and no non-finite values: what a
 * lightweight-charts series accepts (it throws on unordered or repeated times).
 */
export function chartable<T extends { readonly time: number }>(points: readonly T[], valid: (p: T) => boolean = () => true): T[] {
  const sorted = points.filter((p) => Number.isFinite(p.time) && valid(p)).sort((a, b) => a.time - b.time);
  const out: T[] = [];
  for (const p of sorted) {
    if (out.length > 0 && out[out.length - 1]!.time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/** Epoch ms → the whole seconds lightweight-charts uses. */
export function toChartTime(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Equity as `[time, equity]` pairs or objects with a time and an equity/value field. */
export function toPoints(raw: unknown): Point[] {
  if (!Array.isArray(raw)) return [];
  const out: Point[] = [];
  for (const row of raw as unknown[]) {
    if (Array.isArray(row)) {
      const [t, v] = row as unknown[];
      if (typeof t === 'number' && typeof v === 'number') out.push({ time: t, value: v });
    } else if (typeof row === 'object' && row !== null) {
      const r = row as Record<string, unknown>;
      const t = r.time ?? r.t ?? r.timestamp;
      const v = r.equity ?? r.value ?? r.v;
      if (typeof t === 'number' && typeof v === 'number') out.push({ time: t, value: v });
    }
  }
  return out;
}

/**
 * The open time of the bar that contains `time` (the last bar opening at or before it), so a fill
 * at 10:37 marks the 10:00 candle; undefined before the first bar or after the bar after the last.
 */
export function barTimeOf(time: number, barTimes: readonly number[], barMs?: number): number | undefined {
  let lo = 0;
  let hi = barTimes.length - 1;
  if (hi < 0 || time < barTimes[0]!) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (barTimes[mid]! <= time) lo = mid;
    else hi = mid - 1;
  }
  const t = barTimes[lo]!;
  if (lo === barTimes.length - 1 && barMs !== undefined && time >= t + barMs) return undefined;
  return t;
}

/** Milliseconds of a timeframe such as `1m`, `4h`, `1d`, `1w`; undefined when unknown. */
export function timeframeMs(timeframe: string): number | undefined {
  const m = /^(\d+)([smhdw])$/.exec(timeframe.trim());
  if (!m) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}
