import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import type { TradingViewSignalRecord } from '../../storage/port.js';
import { replayHeads } from '../replay.js';
import { barsFromCloses } from '../test-bars.js';
import { externalHead } from './external-head.js';
import { TradingViewInbox, normaliseTicker, normaliseTimeframe, replayTradingViewAlerts } from './tradingview.js';

const T0 = Date.UTC(2025, 0, 6, 12);
const dir = mkdtempSync(join(tmpdir(), 'arbiter-tv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TradingView alerts', () => {
  it('parses and normalises the alert fields', () => {
    const inbox = new TradingViewInbox();
    const { alert, duplicate } = inbox.ingestTradingViewAlert({
      ticker: 'BINANCE:BTCUSDT', action: 'Buy', price: '97123.5', strategy: 'ema-cross', timeframe: '60', indicators: { rsi: 28.4, trend: 'up' }, confidence: 72, time: '2025-01-06T11:59:58Z',
    }, T0);
    expect(duplicate).toBe(false);
    expect(alert).toMatchObject({
      ticker: 'BINANCE:BTCUSDT', action: 'buy', direction: 1, price: 97123.5, strategy: 'ema-cross', timeframe: '1h', indicators: { rsi: 28.4, trend: 'up' },
      confidence: 0.72, receivedAt: T0, firedAt: Date.UTC(2025, 0, 6, 11, 59, 58),
    });
    expect(inbox.ingestTradingViewAlert('{"ticker":"ETHUSDT","action":"sell","interval":"1D"}', T0).alert).toMatchObject({ direction: -1, timeframe: '1d' });
    expect(inbox.ingestTradingViewAlert({ ticker: 'ETHUSDT', action: 'exit long' }, T0).alert).toMatchObject({ action: 'exit_long', direction: 0 });
  });

  it.each([
    [{ action: 'buy' }, 'tradingview, field "ticker"'],
    [{ ticker: 'BTCUSDT', action: 'hodl' }, 'field "action": must be one of buy'],
    [{ ticker: 'BTCUSDT', action: 'buy', price: 'abc' }, 'field "price": must be a number'],
    [{ ticker: 'BTCUSDT', action: 'buy', price: -5 }, 'field "price": must be positive'],
    ['{not json', 'the alert is not JSON'],
  ])('refuses %j with a DataError naming the field', (body, fragment) => {
    const inbox = new TradingViewInbox();
    expect(() => inbox.ingestTradingViewAlert(body, T0)).toThrow(DataError);
    expect(() => inbox.ingestTradingViewAlert(body, T0)).toThrow(fragment);
  });

  it('drops a repeat of the same alert within the window (TradingView retries), not a later one', () => {
    const inbox = new TradingViewInbox({ dedupeWindowMs: 60_000 });
    const body = { ticker: 'BTCUSDT', action: 'buy', price: 100, strategy: 's' };
    const first = inbox.ingestTradingViewAlert(body, T0);
    const again = inbox.ingestTradingViewAlert(body, T0 + 5_000);
    const later = inbox.ingestTradingViewAlert(body, T0 + 120_000);
    expect(again).toMatchObject({ duplicate: true, duplicateOf: first.alert.id });
    expect(later.duplicate).toBe(false);
    expect(inbox.alerts('BTC/USDT', T0 - 1, T0 + 200_000).map((a) => a.id)).toEqual([first.alert.id, later.alert.id]);
    // An explicit id dedupes whatever the other fields say.
    inbox.ingestTradingViewAlert({ ticker: 'BTCUSDT', action: 'sell', id: 'x-1' }, T0);
    expect(inbox.ingestTradingViewAlert({ ticker: 'BTCUSDT', action: 'buy', id: 'x-1' }, T0 + 1).duplicate).toBe(true);
  });

  it('stores every alert (repeats as ignored) through the store port', async () => {
    const stored: TradingViewSignalRecord[] = [];
    const inbox = new TradingViewInbox({ store: { record: (r) => Promise.resolve(void stored.push(r)) } });
    const body = { ticker: 'BTCUSDT', action: 'buy', price: 100 };
    const a = inbox.ingestTradingViewAlert(body, T0);
    inbox.ingestTradingViewAlert(body, T0 + 1);
    await inbox.flush();
    expect(stored.map((r) => [r.id, r.status, r.ticker, r.price])).toEqual([[a.alert.id, 'received', 'BTCUSDT', 100], [stored[1]!.id, 'ignored', 'BTCUSDT', 100]]);
    expect(stored[1]!.reasoning).toEqual({ duplicateOf: a.alert.id });
    expect(stored[0]!.payload).toEqual(body);
  });

  it('matches tickers to symbols across notations', () => {
    expect(normaliseTicker('BINANCE:BTCUSDT')).toBe('BTCUSDT');
    expect(normaliseTicker('BTC/USDT')).toBe('BTCUSDT');
    expect(normaliseTicker('BTC/USDT:USDT')).toBe('BTCUSDT');
    expect(normaliseTicker('BYBIT:BTCUSDT.P')).toBe('BTCUSDT');
    expect(['1', '5', '60', '240', 'D', '1W', '15m'].map(normaliseTimeframe)).toEqual(['1m', '5m', '1h', '4h', '1d', '1w', '15m']);
  });
});

describe('the external head', () => {
  const table = barsFromCloses(Array.from({ length: 12 }, (_, i) => 100 + i), { symbol: 'BTC/USDT', start: T0 });
  const HOUR = 3_600_000;

  it('gives the latest alert received by the decision time, until it is stale', () => {
    const inbox = new TradingViewInbox();
    inbox.ingestTradingViewAlert({ ticker: 'BTCUSDT', action: 'buy', strategy: 'tv', confidence: 0.8, indicators: { rsi: 25 } }, T0 + 2.5 * HOUR);
    inbox.ingestTradingViewAlert({ ticker: 'BTCUSDT', action: 'sell', strategy: 'tv' }, T0 + 5.5 * HOUR);
    const rows = replayHeads([externalHead({ inbox, maxAgeMs: 2 * HOUR })], table);
    const byHour = rows.map((r) => (r.evaluations[0]!.signal ? r.evaluations[0]!.signal.direction : null));
    // Bar i closes at T0 + (i + 1) h.
    expect(byHour).toEqual([null, null, 1, 1, null, -1, -1, null, null, null, null, null]);
    expect(rows[2]!.evaluations[0]!.signal).toMatchObject({ confidence: 0.8, inputs: { action: 'buy', 'indicator.rsi': 25, strategy: 'tv' } });
    expect(rows[5]!.evaluations[0]!.signal!.confidence).toBe(0.65);
  });

  it('replays a recorded alerts file, refusing an alert without a time', () => {
    const file = join(dir, 'alerts.json');
    writeFileSync(file, JSON.stringify([{ ticker: 'BTCUSDT', action: 'buy', receivedAt: '2025-01-06T13:30:00Z' }, { ticker: 'BTCUSDT', action: 'sell', time: T0 + 4 * HOUR }]));
    const inbox = new TradingViewInbox();
    expect(replayTradingViewAlerts(inbox, file)).toBe(2);
    expect(inbox.alerts('BTC/USDT', 0, Infinity).map((a) => [a.action, a.receivedAt])).toEqual([['buy', T0 + 1.5 * HOUR], ['sell', T0 + 4 * HOUR]]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ ticker: 'BTCUSDT', action: 'buy', receivedAt: 1 }, { ticker: 'BTCUSDT', action: 'buy' }]));
    expect(() => replayTradingViewAlerts(new TradingViewInbox(), bad)).toThrow(/bad\.json, row 2, field "receivedAt"/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify([{ ticker: 'BTCUSDT', action: 'moon', receivedAt: 1 }]));
    expect(() => replayTradingViewAlerts(new TradingViewInbox(), wrong)).toThrow(/wrong\.json, row 1, field "action": must be one of/);
  });
});
