/** UTC session keys for anchored indicators (session VWAP, pivot points), without allocating Dates. */
import { DAY_MS } from '../../core/time.js';

/** How an anchored indicator splits time: every bar, or UTC days, ISO weeks (Monday) or months. */
export type Anchor = 'bar' | 'day' | 'week' | 'month';
export const ANCHORS: readonly Anchor[] = ['day', 'week', 'month', 'bar'];

/** A number identifying the session containing `time`; equal for bars of the same session. */
export function sessionKey(anchor: Anchor, time: number): number {
  switch (anchor) {
    case 'day':
      return Math.floor(time / DAY_MS);
    case 'week':
      // Epoch day 0 was a Thursday; shifting by 3 makes weeks start on Monday.
      return Math.floor((Math.floor(time / DAY_MS) + 3) / 7);
    case 'month':
      return utcMonthIndex(time);
    case 'bar':
      return NaN;
  }
}

/** `year · 12 + month0` of a UTC timestamp (days-to-civil conversion, Hinnant's algorithm). */
export function utcMonthIndex(time: number): number {
  const z = Math.floor(time / DAY_MS) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + (month - 1);
}
