import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import { parseFeed } from './parse-feed.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/news/${name}`, import.meta.url)), 'utf8');

describe('feed documents', () => {
  it('reads RSS 2.0 items: CDATA, entities, categories, and rejects an item without a date', () => {
    const feed = parseFeed(fixture('markets.rss.xml'), 'wire');
    expect(feed.format).toBe('rss');
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toEqual({
      id: 'emw-1001', title: 'Bitcoin surges past $100,000 as ETF inflows hit a record', summary: 'Spot bitcoin funds took in $1.2bn on Monday, the strongest day since launch.',
      url: 'https://news.example.test/markets/btc-100k', source: 'wire', publishedAt: Date.UTC(2025, 0, 6, 14, 30), symbols: ['BTC'],
    });
    expect(feed.items[1]!.summary).toBe('An exchange said it halted withdrawals after an exploit; bitcoin slid 3% & ether fell 5%.');
    expect(feed.items[1]!.publishedAt).toBe(Date.UTC(2025, 0, 7, 9, 5));
    expect(feed.rejected).toEqual([{ index: 4, reason: 'no readable publish time' }]);
  });

  it('reads Atom entries: published before updated, link href, escaped HTML content', () => {
    const feed = parseFeed(fixture('markets.atom.xml'), 'desk');
    expect(feed.format).toBe('atom');
    expect(feed.items.map((i) => [i.id, i.publishedAt, i.url])).toEqual([
      ['urn:example:crypto-desk:2001', Date.UTC(2025, 0, 8, 10, 15), 'https://desk.example.test/2025/01/08/rejected?utm=a&b=c'],
      ['urn:example:crypto-desk:2002', Date.UTC(2025, 0, 8, 11, 40), 'https://desk.example.test/2025/01/08/upgrade'],
    ]);
    expect(feed.items[1]!.summary).toBe('Developers approved the upgrade; ether gained 6%.');
    expect(feed.items[0]!.symbols).toEqual(['BTC']);
  });

  it('reads JSON Feed 1.1 and the plain recording format (with receivedAt), and JSON lines', () => {
    const jf = parseFeed(fixture('markets.feed.json'), 'json');
    expect(jf.format).toBe('jsonfeed');
    expect(jf.items.map((i) => [i.id, i.publishedAt])).toEqual([['jf-3001', Date.UTC(2025, 0, 9, 8)], ['jf-3002', Date.UTC(2025, 0, 9, 9, 30)]]);
    const rec = parseFeed(fixture('btc-replay.json'), 'rec');
    expect(rec.items[3]).toMatchObject({ id: 'r-4', publishedAt: Date.UTC(2025, 0, 8, 12), receivedAt: Date.UTC(2025, 0, 8, 15) });
    expect(rec.items[2]!.publishedAt).toBe(1736330400000);
    const lines = parseFeed('{"title":"a rally","publishedAt":"2025-01-01T00:00:00Z"}\n{"title":"a slump","publishedAt":1735689600001}', 'lines');
    expect(lines.items.map((i) => i.title)).toEqual(['a rally', 'a slump']);
    expect(lines.items[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses documents that are not feeds, naming the source', () => {
    expect(() => parseFeed('<html><body>nope</body></html>', 'page')).toThrow(DataError);
    expect(() => parseFeed('<html><body>nope</body></html>', 'page')).toThrow(/^page: an XML document that is neither RSS/);
    expect(() => parseFeed('{"data": []}', 'api')).toThrow('api: a JSON object without an "items" array');
    expect(() => parseFeed('{"title":', 'broken')).toThrow(/broken, row 1: not JSON/);
    expect(() => parseFeed('hello', 'text')).toThrow(/not a news feed/);
  });
});
