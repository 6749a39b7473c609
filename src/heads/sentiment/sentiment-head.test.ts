import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import { replayHeads } from '../replay.js';
import { barsFromCloses } from '../test-bars.js';
import { loadNewsFile } from './feeds.js';
import { NewsBuffer, availableAt, type NewsItem } from './news.js';
import { sentimentHead, symbolTerms } from './sentiment-head.js';

const replayFile = fileURLToPath(new URL('../../../test/fixtures/news/btc-replay.json', import.meta.url));
const HOUR = 3_600_000;

describe('the news buffer', () => {
  const item = (id: string, publishedAt: number, receivedAt?: number): NewsItem => ({ id, title: id, summary: '', source: 't', publishedAt, ...(receivedAt !== undefined ? { receivedAt } : {}) });

  it('returns only items available in (from, to], in time order, whatever the order they arrived in', () => {
    const buffer = new NewsBuffer([item('c', 30), item('a', 10), item('b', 20, 25), item('a', 99)]);
    expect(buffer.size).toBe(3);
    expect(buffer.window(0, 20).map((i) => i.id)).toEqual(['a']);
    expect(buffer.window(0, 25).map((i) => i.id)).toEqual(['a', 'b']);
    expect(buffer.window(10, 30).map((i) => i.id)).toEqual(['b', 'c']);
    expect(buffer.window(30, 1000)).toEqual([]);
  });

  it('an item is available from max(published, received)', () => {
    expect(availableAt(item('x', 100, 50))).toBe(100);
    expect(availableAt(item('x', 100, 150))).toBe(150);
  });

  it('drops items older than its retention', () => {
    const buffer = new NewsBuffer([], 100);
    buffer.add([item('a', 0), item('b', 50)]);
    buffer.add([item('c', 200)]);
    expect(buffer.window(-1, 1000).map((i) => i.id)).toEqual(['c']);
  });
});

describe('the sentiment head', () => {
  // Hourly BTC-like bars from 2025-01-06 00:00 to 2025-01-09 23:00.
  const start = Date.UTC(2025, 0, 6);
  const table = barsFromCloses(Array.from({ length: 96 }, (_, i) => 100 + i * 0.1), { symbol: 'BTC/USDT', start });
  const items = loadNewsFile(replayFile);

  it('sees only news published (and received) at or before the decision time', () => {
    const rows = replayHeads([sentimentHead({ news: items, lookbackMs: 12 * HOUR })], table);
    let spoke = 0;
    for (const row of rows) {
      const visible = items.filter((i) => availableAt(i) <= row.time && availableAt(i) > row.time - 12 * HOUR);
      const s = row.evaluations[0]!.signal;
      if (visible.length === 0) {
        expect(row.evaluations[0]!.status, new Date(row.time).toISOString()).toBe('abstained');
        continue;
      }
      spoke++;
      expect(s!.inputs.latestPublishedAt as number).toBeLessThanOrEqual(row.time);
      expect(s!.inputs.latestId).toBe(visible[visible.length - 1]!.id);
      expect(s!.inputs.items).toBe(visible.length);
    }
    expect(spoke).toBeGreaterThan(20);
  });

  it('turns with the news: up after the rally story, down after the hack', () => {
    const rows = replayHeads([sentimentHead({ news: items, lookbackMs: 12 * HOUR, halfLifeMs: HOUR })], table);
    const at = (iso: string) => rows.find((r) => r.time === Date.parse(iso))!.evaluations[0]!;
    expect(at('2025-01-06T09:00:00Z').status).toBe('abstained');
    expect(at('2025-01-06T11:00:00Z').signal!.direction).toBeGreaterThan(0);
    expect(at('2025-01-07T10:00:00Z').signal!.direction).toBeLessThan(0);
    // r-4 was published at 12:00 but received at 15:00: at 14:00 only r-3 (positive) is visible.
    expect(at('2025-01-08T14:00:00Z').signal).toMatchObject({ inputs: { latestId: 'r-3' } });
    expect(at('2025-01-08T15:00:00Z').signal).toMatchObject({ inputs: { latestId: 'r-4' } });
  });

  it('a story published in the future changes nothing before it', () => {
    const future: NewsItem = { id: 'future', title: 'Bitcoin soars, surges, rallies to an all-time high', summary: '', source: 't', publishedAt: Date.UTC(2025, 0, 9, 12) };
    const base = replayHeads([sentimentHead({ news: items })], table);
    const more = replayHeads([sentimentHead({ news: [...items, future] })], table);
    const said = (row: (typeof base)[number]) => row.evaluations.map((e) => [e.status, e.signal]);
    for (let i = 0; i < base.length; i++) {
      if (base[i]!.time < future.publishedAt) expect(said(more[i]!)).toEqual(said(base[i]!));
    }
    expect(said(more.at(-1)!)).not.toEqual(said(base.at(-1)!));
  });

  it('counts an item for a symbol when it names the asset or the feed tagged it', () => {
    expect(symbolTerms('BTC/USDT')).toEqual(expect.arrayContaining(['btc', 'bitcoin', 'btc/usdt']));
    const news: NewsItem[] = [{ id: 'eth', title: 'Ether surges', summary: '', source: 't', publishedAt: start }];
    expect(replayHeads([sentimentHead({ news })], table).every((r) => r.evaluations[0]!.status === 'abstained')).toBe(true);
    const tagged: NewsItem[] = [{ id: 'tag', title: 'Fund flows surge', summary: '', source: 't', publishedAt: start, symbols: ['BTC'] }];
    expect(replayHeads([sentimentHead({ news: tagged })], table)[1]!.evaluations[0]!.status).toBe('ok');
  });

  it('a recording with an undated item is refused with the file and item', () => {
    expect(() => loadNewsFile(fileURLToPath(new URL('../../../test/fixtures/news/markets.rss.xml', import.meta.url)))).toThrow(DataError);
    expect(() => loadNewsFile(fileURLToPath(new URL('../../../test/fixtures/news/markets.rss.xml', import.meta.url)))).toThrow(/markets\.rss\.xml, row 4, field "publishedAt": no readable publish time/);
  });
});
