/**
 * Price transforms (MEDPRICE, TYPPRICE, AVGPRICE, WCLPRICE) and the `source` selection used by
 * the registry to feed one-series indicators from bars.
 */
import type { OhlcvColumns } from '../model/bar.js';
import { ConfigurationError } from '../core/errors.js';
import { IndicatorBase, OHLC } from './core/base.js';
import { isStrict } from './core/kernels.js';
import type { BarIndicator, BarInput, CommonOptions } from './core/types.js';

/** Which number of a bar feeds a one-series indicator (`hl2` = (h+l)/2, `hlc3`, `ohlc4`, `hlcc4` = (h+l+2c)/4). */
export type PriceSource = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4' | 'hlcc4';
export const PRICE_SOURCES: readonly PriceSource[] = ['close', 'open', 'high', 'low', 'volume', 'hl2', 'hlc3', 'ohlc4', 'hlcc4'];

/** The `source` number of one bar. */
export function priceOf(source: PriceSource, bar: Pick<BarInput, 'open' | 'high' | 'low' | 'close' | 'volume'>): number {
  switch (source) {
    case 'close':
      return bar.close;
    case 'open':
      return bar.open;
    case 'high':
      return bar.high;
    case 'low':
      return bar.low;
    case 'volume':
      return bar.volume;
    case 'hl2':
      return (bar.high + bar.low) / 2;
    case 'hlc3':
      return (bar.high + bar.low + bar.close) / 3;
    case 'ohlc4':
      return (bar.open + bar.high + bar.low + bar.close) / 4;
    case 'hlcc4':
      return (bar.high + bar.low + 2 * bar.close) / 4;
  }
}

/** The `source` column of a table (a view of the table's column where no arithmetic is needed). */
export function sourceColumn(columns: OhlcvColumns, source: PriceSource): Float64Array {
  const { open, high, low, close } = columns;
  const n = close.length;
  switch (source) {
    case 'close':
      return close;
    case 'open':
      return open;
    case 'high':
      return high;
    case 'low':
      return low;
    case 'volume':
      return columns.volume;
    default: {
      const out = new Float64Array(n);
      if (source === 'hl2') for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]!) / 2;
      else if (source === 'hlc3') for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + close[i]!) / 3;
      else if (source === 'ohlc4') for (let i = 0; i < n; i++) out[i] = (open[i]! + high[i]! + low[i]! + close[i]!) / 4;
      else if (source === 'hlcc4') for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + 2 * close[i]!) / 4;
      else throw new ConfigurationError(`unknown price source "${String(source)}"; use one of ${PRICE_SOURCES.join(', ')}`, 'source');
      return out;
    }
  }
}

/** TA-Lib's price transforms: one formula over the bar's OHLC. */
export type PriceTransform = 'medprice' | 'typprice' | 'avgprice' | 'wclprice';

/**
 * A price transform as an indicator (no warm-up): `medprice` (h+l)/2, `typprice` (h+l+c)/3,
 * `avgprice` (o+h+l+c)/4, `wclprice` (h+l+2c)/4.
 */
export class PriceTransformIndicator extends IndicatorBase implements BarIndicator<'open' | 'high' | 'low' | 'close'> {
  readonly kind: PriceTransform;
  private v = NaN;

  constructor(kind: PriceTransform, options: CommonOptions = {}) {
    super(kind, 0, options);
    this.kind = kind;
  }

  get value(): number {
    return this.count > 0 ? this.v : NaN;
  }

  update(bar: Pick<BarInput, 'open' | 'high' | 'low' | 'close'>): number {
    return this.step(bar.open, bar.high, bar.low, bar.close);
  }

  step(open: number, high: number, low: number, close: number): number {
    this.seen++;
    let v: number;
    switch (this.kind) {
      case 'medprice':
        v = (high + low) / 2;
        break;
      case 'typprice':
        v = (high + low + close) / 3;
        break;
      case 'avgprice':
        v = (open + high + low + close) / 4;
        break;
      case 'wclprice':
        v = (high + low + 2 * close) / 4;
        break;
    }
    if (v - v !== 0) return this.rejectFields(OHLC, open, high, low, close);
    this.count++;
    return (this.v = v);
  }

  protected clear(): void {
    this.v = NaN;
  }
}

/** Batch price transform. */
export function priceTransform(kind: PriceTransform, c: Pick<OhlcvColumns, 'open' | 'high' | 'low' | 'close'>, options?: CommonOptions): Float64Array {
  const ind = new PriceTransformIndicator(kind, options);
  const n = c.close.length;
  const out = new Float64Array(n);
  const { open, high, low, close } = c;
  // The formula's own result is the validity test (as the class): NaN where it is not finite.
  if (kind === 'medprice') for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]!) / 2;
  else if (kind === 'typprice') for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + close[i]!) / 3;
  else if (kind === 'avgprice') for (let i = 0; i < n; i++) out[i] = (open[i]! + high[i]! + low[i]! + close[i]!) / 4;
  else for (let i = 0; i < n; i++) out[i] = (high[i]! + low[i]! + 2 * close[i]!) / 4;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (v - v !== 0) {
      out[i] = NaN;
      clean = false;
    }
  }
  if (!clean && isStrict(options)) for (let i = 0; i < n; i++) out[i] = ind.step(open[i]!, high[i]!, low[i]!, close[i]!);
  return out;
}
