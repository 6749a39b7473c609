import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertParseError, normalizeAction, normalizeTimeframe, parseAlert, resolveTicker } from './parse.js';

describe('parseAlert: JSON alerts', () => {
  it('reads the strategy template of TradingView\'s documentation (numbers unquoted)', () => {
    const a = parseAlert({
      secret: 's3cret-passphrase', ticker: 'BTCUSDT', exchange: 'BINANCE', action: 'buy', contracts: 0.015, price: 67432.5, order_id: 'Long Entry',
      position_size: 0.015, market_position: 'long', prev_market_position: 'flat', interval: '15', time: '2025-01-15T14:30:00Z',
    });
    expect(a).toMatchObject({ ticker: 'BTCUSDT', action: 'buy', price: 67432.5, contracts: 0.015, timeframe: '15m', time: Date.UTC(2025, 0, 15, 14, 30), passphrase: 's3cret-passphrase', format: 'json' });
    expect(a.fields).not.toHaveProperty('passphrase');
    expect(JSON.stringify(a.fields)).not.toContain('s3cret');
    expect(a.fields).toMatchObject({ exchange: 'BINANCE', order_id: 'Long Entry' });
  });

  it('reads the indicator template (event LONG_ENTRY, symbol, quoted numbers)', () => {
    const a = parseAlert('{"event": "LONG_ENTRY", "symbol": "ETHUSDT", "timeframe": "60", "price": "3150.25", "time": "2025-01-15T14:00:00Z"}');
    expect(a).toMatchObject({ ticker: 'ETHUSDT', action: 'buy', actionText: 'LONG_ENTRY', price: 3150.25, timeframe: '1h' });
  });

  it('keeps indicators as numbers where they are numbers', () => {
    const a = parseAlert({ ticker: 'X', action: 'sell', indicators: { rsi: '71.5', trend: 'down', ok: true } });
    expect(a.indicators).toEqual({ rsi: 71.5, trend: 'down', ok: true });
  });

  it('reads the sender\'s confidence as 0 … 1, or as a percentage', () => {
    expect(parseAlert({ ticker: 'X', action: 'buy', confidence: 0.72 }).confidence).toBe(0.72);
    expect(parseAlert({ ticker: 'X', action: 'buy', confidence: '85' }).confidence).toBe(0.85);
    expect(parseAlert('ticker=X action=sell confidence=60').confidence).toBe(0.6);
    expect(parseAlert('ticker=X action=sell confidence=60').indicators).toEqual({});
    expect(parseAlert({ ticker: 'X', action: 'buy' })).not.toHaveProperty('confidence');
  });

  it('names the field at fault', () => {
    const cases: Array<[unknown, string]> = [
      [{ ticker: 'BTCUSDT', action: 'buy', confidence: 140 }, 'confidence'],
      [{ ticker: 'BTCUSDT', action: 'buy', confidence: 'high' }, 'confidence'],
      [{ action: 'buy' }, 'ticker'],
      [{ ticker: 'BTCUSDT' }, 'action'],
      [{ ticker: 'BTCUSDT', action: 'hodl' }, 'action'],
      [{ ticker: 'BTCUSDT', action: 'buy', price: 'abc' }, 'price'],
      [{ ticker: 'BTCUSDT', action: 'buy', price: -3 }, 'price'],
      [{ ticker: 'BTCUSDT', action: 'buy', timeframe: 'soon' }, 'timeframe'],
      [{ ticker: 'BTC USDT; DROP', action: 'buy' }, 'ticker'],
      [[1, 2], 'body'],
    ];
    for (const [body, field] of cases) {
      expect(() => parseAlert(body), JSON.stringify(body)).toThrow(AlertParseError);
      try {
        parseAlert(body);
      } catch (error) {
        expect((error as AlertParseError).field).toBe(field);
      }
    }
  });
});

describe('parseAlert: text alerts', () => {
  it('reads TradingView\'s plain-text default "sell 1 AAPL @ 189.84"', () => {
    expect(parseAlert('sell 1 AAPL @ 189.84')).toMatchObject({ action: 'sell', ticker: 'AAPL', contracts: 1, price: 189.84, format: 'sentence' });
  });

  it('reads a sentence with the passphrase in it', () => {
    const a = parseAlert('buy BTCUSDT.P at 67000.5 passphrase=abc-def-ghi-jkl');
    expect(a).toMatchObject({ action: 'buy', ticker: 'BTCUSDT.P', price: 67000.5, passphrase: 'abc-def-ghi-jkl' });
  });

  it('reads key=value pairs separated by spaces, commas, semicolons or lines; other keys become indicators', () => {
    const a = parseAlert('ticker=BTCUSDT, action=BUY; price=67000.5\nstrategy="ema cross"\ninterval=240 rsi=28.1 passphrase=s3cret');
    expect(a).toMatchObject({ ticker: 'BTCUSDT', action: 'buy', price: 67000.5, strategy: 'ema cross', timeframe: '4h', indicators: { rsi: 28.1 }, passphrase: 's3cret', format: 'pairs' });
  });

  it('reads key: value lines', () => {
    expect(parseAlert('symbol: ETHUSDT\nside: short\nclose: 3100')).toMatchObject({ ticker: 'ETHUSDT', action: 'sell', price: 3100 });
  });

  it('takes the action word from the text when the pairs lack it', () => {
    expect(parseAlert('close ticker=BTCUSDT price=1')).toMatchObject({ action: 'close', ticker: 'BTCUSDT' });
  });

  it('says how to write an alert it cannot read', () => {
    expect(() => parseAlert('hello world, this is not an alert')).toThrow(/ticker=BTCUSDT action=buy/);
    expect(() => parseAlert('   ')).toThrow(AlertParseError);
  });

  it('never throws anything but AlertParseError, and any result has a known action and a clean ticker', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (input) => {
      try {
        const a = parseAlert(input);
        expect(['buy', 'sell', 'close']).toContain(a.action);
        expect(a.ticker).toMatch(/^[A-Za-z0-9.:/_!\-]{1,64}$/);
        if (a.price !== undefined) expect(a.price).toBeGreaterThan(0);
        expect(a.fields).not.toHaveProperty('passphrase');
      } catch (error) {
        expect(error).toBeInstanceOf(AlertParseError);
      }
    }), { numRuns: 3000 });
  });

  it('reads any well-formed pair alert back exactly', () => {
    const word = fc.stringMatching(/^[A-Z]{2,6}USDT$/);
    fc.assert(fc.property(word, fc.constantFrom('buy', 'sell', 'close', 'long', 'short', 'exit'), fc.double({ min: 0.0001, max: 1e7, noNaN: true }), (ticker, action, price) => {
      const a = parseAlert(`ticker=${ticker} action=${action} price=${price}`);
      expect(a.ticker).toBe(ticker);
      expect(a.action).toBe(normalizeAction(action));
      expect(a.price).toBe(price);
    }), { numRuns: 500 });
  });
});

describe('normalizeTimeframe and normalizeAction', () => {
  it('turns TradingView intervals into Arbiter timeframes', () => {
    expect(['1', '5', '60', '240', '1440', 'D', '1D', 'W', '2W', 'M', '30S', '15m', '4H'].map((x) => normalizeTimeframe(x))).toEqual(['1m', '5m', '1h', '4h', '1d', '1d', '1d', '1w', '2w', '1M', '30s', '15m', '4h']);
    expect(normalizeTimeframe('0')).toBeUndefined();
    expect(normalizeTimeframe('weekly')).toBeUndefined();
  });

  it('maps the usual action words', () => {
    expect(['BUY', 'long', 'Long Entry', 'enter-long', 'SELL', 'short_entry', 'exit', 'flat', 'close_long', 'nope'].map(normalizeAction)).toEqual(['buy', 'buy', 'buy', 'buy', 'sell', 'sell', 'close', 'close', 'close', undefined]);
  });
});

describe('resolveTicker', () => {
  const symbols = ['BTC/USDT', 'ETH/USDT', 'BTC/USDT:USDT', 'SPY'];
  it('matches exactly, then without exchange prefix, perpetual suffix and separators', () => {
    expect(resolveTicker('SPY', symbols)).toBe('SPY');
    expect(resolveTicker('BINANCE:BTCUSDT', symbols)).toBe('BTC/USDT');
    expect(resolveTicker('btcusdt', symbols)).toBe('BTC/USDT');
    expect(resolveTicker('BTCUSDT.P', symbols)).toBe('BTC/USDT:USDT');
    expect(resolveTicker('BINANCE:ETHUSDT', symbols)).toBe('ETH/USDT');
    expect(resolveTicker('DOGEUSDT', symbols)).toBeUndefined();
  });
});

describe('values that cannot be turned into text', () => {
  it('are a parse error naming the field, not a crash (fuzzing found {"toString": ""})', () => {
    const price = { toString: '' };
    expect(() => String(price)).toThrow(TypeError);
    expect(() => parseAlert({ ticker: 'BTCUSDT', action: 'buy', price })).toThrow(AlertParseError);
    expect(() => parseAlert({ ticker: 'BTCUSDT', action: 'buy', price })).toThrow('{"toString":""} is not a number');
    expect(() => parseAlert({ ticker: 'BTCUSDT', action: 'buy', time: price })).toThrow(AlertParseError);
  });
});
