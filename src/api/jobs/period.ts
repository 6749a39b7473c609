/**
 * The `from`/`to` of a job request (backtest, training): ISO-8601 dates or epoch milliseconds,
 * and the bars of a table that fall in `[from, to)`. Errors name the request field.
 */
import { ConfigurationError } from '../../core/errors.js';
import type { BarTable } from '../../model/bar.js';

/** Epoch ms of a request time; a bare date is midnight UTC. */
export function requestTime(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) throw new ConfigurationError(`"${value}" is not a date (ISO-8601 or epoch ms)`, field);
  return t;
}

/** The bars in `[from, to)`; none is an error naming the field that emptied the period. */
export function barsInPeriod(table: BarTable, from: number | undefined, to: number | undefined): BarTable {
  let start = 0;
  let end = table.length;
  if (from !== undefined) while (start < end && table.time[start]! < from) start++;
  if (to !== undefined) while (end > start && table.time[end - 1]! >= to) end--;
  if (end <= start) throw new ConfigurationError(`no ${table.symbol} bars in the requested period`, from !== undefined ? 'from' : 'to');
  return start === 0 && end === table.length ? table : table.slice(start, end);
}
