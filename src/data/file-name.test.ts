import { describe, expect, it } from 'vitest';
import { parseDataFileName } from './file-name.js';

describe('parseDataFileName', () => {
  it.each([
    ['data/BTC_USDT-1h.csv', 'BTC/USDT', '1h', undefined],
    ['XRP_USDT_USDT-5m-futures.feather', 'XRP/USDT:USDT', '5m', 'futures'],
    ['XRP_USDT_USDT-8h-funding_rate.feather', 'XRP/USDT:USDT', '8h', 'funding_rate'],
    ['UNITTEST_BTC-1m.json.gz', 'UNITTEST/BTC', '1m', undefined],
    ['C:\\data\\BTCUSDT-1m-2024-01.zip', 'BTCUSDT', '1m', undefined],
    ['BTCUSDT-1d-2024-01-05.csv', 'BTCUSDT', '1d', undefined],
    ['GOOG-1d.csv', 'GOOG', '1d', undefined],
    ['btcusdt_15m.csv', 'btcusdt', '15m', undefined],
  ])('%s → %s %s', (path, symbol, timeframe, candleType) => {
    const info = parseDataFileName(path);
    expect(info.symbol).toBe(symbol);
    expect(info.timeframe).toBe(timeframe);
    expect(info.candleType).toBe(candleType);
    expect(info.parsed).toBe(true);
  });

  it('falls back to the whole name when no timeframe is in it', () => {
    expect(parseDataFileName('/x/GOOG.csv')).toEqual({ stem: 'GOOG', symbol: 'GOOG', parsed: false });
    expect(parseDataFileName('2006-day-001.txt').timeframe).toBeUndefined();
  });
});
