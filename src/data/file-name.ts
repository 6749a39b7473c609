/**
 * Symbol and timeframe from a data file's name, following the naming schemes users already have:
 * Freqtrade (`BTC_USDT-1h.feather`, `XRP_USDT_USDT-5m-futures.feather`), data.binance.vision
 * (`BTCUSDT-1m-2024-01.csv`) and plain `<symbol>-<timeframe>.csv`.
 */

/** Freqtrade's candle types; `funding_rate` files are not bars. */
export type CandleType = 'spot' | 'futures' | 'mark' | 'index' | 'premiumIndex' | 'funding_rate';

export interface NameInfo {
  /** The file name without directory and data extensions. */
  readonly stem: string;
  readonly symbol: string;
  /** True when the symbol was parsed out of the name rather than being the whole stem. */
  readonly parsed: boolean;
  readonly timeframe?: string;
  readonly candleType?: CandleType;
}

const EXTENSIONS = /(\.(csv|txt|tsv|json|feather|arrow|ipc|zip))?(\.gz)?$/i;
const TIMEFRAME = '(\\d+[smhdw])';
const FREQTRADE = new RegExp(`^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_([A-Za-z0-9]+))?-${TIMEFRAME}(?:-(spot|futures|mark|index|premiumIndex|funding_rate))?$`);
const BINANCE_VISION = new RegExp(`^([A-Za-z0-9]+)-${TIMEFRAME}-\\d{4}-\\d{2}(?:-\\d{2})?$`);
const PLAIN = new RegExp(`^(.+?)[-_ ]${TIMEFRAME}$`);

/** The last path segment (either separator), for messages and name parsing. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/**
 * Reads symbol and timeframe out of a file name.
 * @example parseDataFileName('data/XRP_USDT_USDT-5m-futures.feather') // { symbol: 'XRP/USDT:USDT', timeframe: '5m', candleType: 'futures', … }
 */
export function parseDataFileName(path: string): NameInfo {
  const stem = baseName(path).replace(EXTENSIONS, '');
  let m = FREQTRADE.exec(stem);
  if (m) {
    const [, base, quote, settle, timeframe, candleType] = m;
    return {
      stem,
      symbol: settle ? `${base}/${quote}:${settle}` : `${base}/${quote}`,
      parsed: true,
      timeframe,
      ...(candleType ? { candleType: candleType as CandleType } : {}),
    };
  }
  m = BINANCE_VISION.exec(stem);
  if (m) return { stem, symbol: m[1]!, parsed: true, timeframe: m[2] };
  m = PLAIN.exec(stem);
  if (m) return { stem, symbol: m[1]!, parsed: true, timeframe: m[2] };
  return { stem, symbol: stem, parsed: false };
}
