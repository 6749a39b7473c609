/** The base every incremental indicator extends: readiness, reset and the invalid-input policy. */
import { DataError } from '../../core/errors.js';
import type { CommonOptions } from './types.js';

export abstract class IndicatorBase {
  readonly label: string;
  readonly warmup: number;
  /** Valid inputs since creation or the last reset. */
  protected count = 0;
  /** Every input since creation; the index named by a `DataError`. */
  protected seen = 0;
  /** Field named by errors about a one-series input. */
  protected readonly inputField: string;
  private readonly throwOnInvalid: boolean;

  protected constructor(label: string, warmup: number, options: CommonOptions | undefined) {
    this.label = label;
    this.warmup = warmup;
    this.throwOnInvalid = options?.onInvalid === 'throw';
    this.inputField = options?.inputName ?? 'value';
  }

  get isReady(): boolean {
    return this.count > this.warmup;
  }

  reset(): void {
    this.count = 0;
    this.clear();
  }

  /** Clears the subclass's state (buffers, sums, previous values). */
  protected abstract clear(): void;

  /**
   * Applies the invalid-input policy to a non-finite input and returns NaN. Call it after
   * incrementing `seen`, so that the error names the offending input's index.
   */
  protected rejectInput(field: string, value: number): number {
    if (this.throwOnInvalid) {
      throw new DataError(`${this.label}: ${field} at index ${this.seen - 1} is ${String(value)}, expected a finite number`, {
        source: this.label,
        field,
      });
    }
    this.reset();
    return NaN;
  }

  /**
   * The slow path of a bar check: callers test the sum of the fields (non-finite if any field is)
   * and call this only then, so that the hot path does one subtraction for the whole bar.
   */
  protected rejectFields(names: readonly string[], ...values: number[]): number {
    const i = values.findIndex((v) => v - v !== 0);
    return this.rejectInput(names[i] ?? names.join('+'), values[i] ?? NaN);
  }
}

export const HL = ['high', 'low'] as const;
export const HLC = ['high', 'low', 'close'] as const;
export const HLCV = ['high', 'low', 'close', 'volume'] as const;
export const OHLC = ['open', 'high', 'low', 'close'] as const;
export const CV = ['close', 'volume'] as const;

/** True for NaN and ±Infinity: one subtraction, cheaper than `Number.isFinite` in hot loops. */
export function notFinite(x: number): boolean {
  return x - x !== 0;
}
