/**
 * Parsing command-line option values. Commander hands every value over as text; these turn it
 * into numbers, dates and paths, and every failure is a ConfigurationError naming the option, so
 * the user sees one line like `error: --cash: expected a number greater than 0, got "abc"`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError, DataError, errorMessage } from '../core/errors.js';
import { bundledDataPath, bundledDataSets } from '../data/bundled.js';

export interface NumberRule {
  /** Inclusive lower bound unless `above` is set. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(`greater than ${rule.above}`);
  else if (rule.min !== undefined) parts.push(`at least ${rule.min}`);
  if (rule.max !== undefined) parts.push(`at most ${rule.max}`);
  return parts.length > 0 ? `${kind} ${parts.join(' and ')}` : kind;
}

/**
 * A number option.
 * @example parseNumber('--cash', '10000', { above: 0 }) // 10000
 * @throws ConfigurationError keyed by the option name.
 */
export function parseNumber(option: string, text: string, rule: NumberRule = {}): number {
  const t = text.trim();
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
  const ok = Number.isFinite(value)
    && (!rule.integer || Number.isInteger(value))
    && (rule.above === undefined || value > rule.above)
    && (rule.min === undefined || value >= rule.min)
    && (rule.max === undefined || value <= rule.max);
  if (!ok) throw new ConfigurationError(`expected ${describeRule(rule)}, got "${text}"`, option);
  return value;
}

/** Like {@link parseNumber} for an option that may be absent. */
export function optionalNumber(option: string, text: string | undefined, rule: NumberRule = {}): number | undefined {
  return text === undefined ? undefined : parseNumber(option, text, rule);
}

/**
 * A UTC date or date-time: `2024-01-31`, `2024-01-31T12:00`, `2024-01-31T12:00:00Z`,
 * `2024-01-31T12:00:00+02:00`. A time without a zone is read as UTC, never as local time.
 */
export function parseDate(option: string, text: string): number {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  const fail = (): never => {
    throw new ConfigurationError(`expected an ISO-8601 date such as 2024-01-31 or 2024-01-31T12:00Z, got "${text}"`, option);
  };
  if (!iso) return fail();
  const [, y, mo, d, h, mi, sec, zone] = iso;
  // Date.parse rolls impossible dates over (Feb 30 → Mar 1); check the fields instead.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) return fail();
  const normalized = t.replace(' ', 'T') + (h !== undefined && zone === undefined ? 'Z' : '');
  const value = Date.parse(normalized);
  return Number.isFinite(value) ? value : fail();
}

/**
 * A data file argument: an existing path, or the name of a data set bundled in `data/bundled/`
 * (so `--data BTC_USDT-1h.csv` works from any directory).
 */
export function resolveDataFile(spec: string): string {
  if (existsSync(spec)) return spec;
  if (bundledDataSets.some((d) => d.file === spec)) return bundledDataPath(spec);
  throw new DataError(`file not found (bundled data sets, usable by name: ${bundledDataSets.filter((d) => d.kind === 'bars').map((d) => d.file).join(', ')})`, { source: spec });
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Writes an output file; failures (no such folder, no permission) are one-line errors naming the option. */
export function writeOutput(option: string, file: string, content: string): void {
  const folder = dirname(file);
  if (!existsSync(folder)) throw new ConfigurationError(`cannot write ${file}: the folder ${folder} does not exist`, option);
  try {
    writeFileSync(file, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : errorMessage(error);
    throw new ConfigurationError(`cannot write ${file}: ${reason}`, option, { cause: error });
  }
}
