/**
 * Validation of constructor options. Every indicator validates what it is given, whether it is
 * built directly or through the registry, and names the offending option in a ConfigurationError
 * (`rsi.period: must be an integer >= 2, got 1`).
 */
import { ConfigurationError } from '../../core/errors.js';

/** An integer option in [min, max]; `undefined` takes the default. */
export function intOption(indicator: string, key: string, value: number | undefined, fallback: number, min: number, max = 1_000_000): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max >= 1_000_000 ? `>= ${min}` : `between ${min} and ${max}`;
    throw new ConfigurationError(`must be an integer ${range}, got ${String(v)}`, `${indicator}.${key}`);
  }
  return v;
}

/** A finite number option in [min, max]; `undefined` takes the default. */
export function numOption(indicator: string, key: string, value: number | undefined, fallback: number, min = -Infinity, max = Infinity): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const bounds = [Number.isFinite(min) ? `>= ${min}` : '', Number.isFinite(max) ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new ConfigurationError(`must be a finite number${bounds ? ` ${bounds}` : ''}, got ${String(v)}`, `${indicator}.${key}`);
  }
  return v;
}

/** One of `allowed`; `undefined` takes the default. */
export function enumOption<T extends string>(indicator: string, key: string, value: T | undefined, fallback: T, allowed: readonly T[]): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) {
    throw new ConfigurationError(`must be one of ${allowed.join(', ')}, got ${String(v)}`, `${indicator}.${key}`);
  }
  return v;
}

/** Rejects `fast >= slow` where the indicator's meaning depends on fast being shorter. */
export function requireFasterThan(indicator: string, fastKey: string, fast: number, slowKey: string, slow: number): void {
  if (fast >= slow) {
    throw new ConfigurationError(`must be less than ${slowKey} (${slow}), got ${fast}`, `${indicator}.${fastKey}`);
  }
}
