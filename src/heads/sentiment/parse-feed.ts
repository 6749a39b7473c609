/**
 * Feed documents → news items. Four formats, recognised by their content:
 * - RSS 2.0 (`<rss><channel><item>`: title, link, description, pubDate, guid, category);
 * - Atom (`<feed><entry>`: title, link href, summary/content, published/updated, id);
 * - JSON Feed 1.x (`{ "version": "https://jsonfeed.org/…", "items": [...] }`);
 * - a plain JSON array (or `{ "items": [...] }`, or JSON lines) of
 *   `{ id?, title, summary?|body?|text?, url?, publishedAt|published_at|published|time, receivedAt?, symbols? }`,
 *   times as ISO-8601 text or epoch milliseconds — the format recordings are written in.
 *
 * The XML reader is a small extractor for these two vocabularies (elements, CDATA, entities), not
 * a general XML parser; items without a readable publish time are rejected with their position.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../core/errors.js';
import type { NewsItem } from './news.js';

/** An item that could not be read, and why. */
export interface RejectedItem {
  /** 1-based position of the item in the document. */
  readonly index: number;
  readonly reason: string;
}

export interface ParsedFeed {
  readonly format: 'rss' | 'atom' | 'jsonfeed' | 'json';
  readonly items: NewsItem[];
  readonly rejected: RejectedItem[];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, code: string) => {
    if (code.startsWith('#x')) return String.fromCodePoint(parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(parseInt(code.slice(1), 10));
    return ENTITIES[code] ?? whole;
  });
}

/** Element text: CDATA unwrapped, entities decoded, HTML tags stripped, whitespace collapsed. */
function textOf(raw: string | undefined): string {
  if (raw === undefined) return '';
  let s = raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, inner: string) => inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  // Escaped HTML inside descriptions (`&lt;p&gt;`) is decoded, then stripped like real tags.
  s = decodeEntities(s.replace(/<[^>]*>/g, ' '));
  s = s.replace(/<[^>]*>/g, ' ');
  return s.replace(/\s+/g, ' ').trim();
}

function element(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'i').exec(block);
  return m?.[1];
}

function elements(block: string, name: string): string[] {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'gi');
  const out: string[] = [];
  for (let m = re.exec(block); m !== null; m = re.exec(block)) out.push(m[1]!);
  return out;
}

function blocks(document: string, name: string): string[] {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'gi');
  const out: string[] = [];
  for (let m = re.exec(document); m !== null; m = re.exec(document)) out.push(m[1]!);
  return out;
}

function parseTime(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string' || value.trim() === '') return Number.NaN;
  const t = value.trim();
  if (/^\d{10,16}$/.test(t)) return Number(t);
  return Date.parse(t);
}

function stableId(source: string, title: string, time: number): string {
  return createHash('sha1').update(`${source}\n${title}\n${time}`).digest('hex').slice(0, 16);
}

function finish(source: string, raw: { id?: string; title: string; summary: string; url?: string; publishedAt: number; receivedAt?: number; symbols?: string[] }, index: number, rejected: RejectedItem[]): NewsItem | undefined {
  if (!Number.isFinite(raw.publishedAt)) {
    rejected.push({ index, reason: 'no readable publish time' });
    return undefined;
  }
  if (raw.title === '' && raw.summary === '') {
    rejected.push({ index, reason: 'no title and no text' });
    return undefined;
  }
  const id = raw.id && raw.id.trim() !== '' ? raw.id.trim() : raw.url ?? stableId(source, raw.title, raw.publishedAt);
  return {
    id, title: raw.title, summary: raw.summary, source, publishedAt: raw.publishedAt,
    ...(raw.url ? { url: raw.url } : {}),
    ...(raw.receivedAt !== undefined && Number.isFinite(raw.receivedAt) ? { receivedAt: raw.receivedAt } : {}),
    ...(raw.symbols && raw.symbols.length > 0 ? { symbols: raw.symbols } : {}),
  };
}

function parseRss(document: string, source: string): ParsedFeed {
  const items: NewsItem[] = [];
  const rejected: RejectedItem[] = [];
  for (const [i, block] of blocks(document, 'item').entries()) {
    const link = textOf(element(block, 'link'));
    const guid = textOf(element(block, 'guid'));
    const item = finish(source, {
      ...(guid ? { id: guid } : {}),
      title: textOf(element(block, 'title')),
      summary: textOf(element(block, 'description') ?? element(block, 'content:encoded')),
      ...(link ? { url: link } : {}),
      publishedAt: parseTime(textOf(element(block, 'pubDate') ?? element(block, 'dc:date'))),
      symbols: elements(block, 'category').map(textOf).filter((c) => c !== ''),
    }, i + 1, rejected);
    if (item) items.push(item);
  }
  return { format: 'rss', items, rejected };
}

function parseAtom(document: string, source: string): ParsedFeed {
  const items: NewsItem[] = [];
  const rejected: RejectedItem[] = [];
  for (const [i, block] of blocks(document, 'entry').entries()) {
    const href = /<link\b[^>]*\bhref\s*=\s*"([^"]*)"/i.exec(block)?.[1];
    const id = textOf(element(block, 'id'));
    const item = finish(source, {
      ...(id ? { id } : {}),
      title: textOf(element(block, 'title')),
      summary: textOf(element(block, 'summary') ?? element(block, 'content')),
      ...(href ? { url: decodeEntities(href) } : {}),
      publishedAt: parseTime(textOf(element(block, 'published') ?? element(block, 'updated'))),
      symbols: [...block.matchAll(/<category\b[^>]*\bterm\s*=\s*"([^"]*)"/gi)].map((m) => decodeEntities(m[1]!)),
    }, i + 1, rejected);
    if (item) items.push(item);
  }
  return { format: 'atom', items, rejected };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function parseJsonItems(list: unknown[], source: string, format: 'jsonfeed' | 'json'): ParsedFeed {
  const items: NewsItem[] = [];
  const rejected: RejectedItem[] = [];
  for (const [i, entry] of list.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      rejected.push({ index: i + 1, reason: 'not an object' });
      continue;
    }
    const e = entry as Record<string, unknown>;
    const summaryRaw = str(e.summary) ?? str(e.content_text) ?? str(e.body) ?? str(e.text) ?? str(e.description) ?? (typeof e.content_html === 'string' ? e.content_html : '');
    const symbolsRaw = Array.isArray(e.symbols) ? e.symbols : Array.isArray(e.tickers) ? e.tickers : Array.isArray(e.tags) ? e.tags : [];
    const url = str(e.url) ?? str(e.link);
    const id = str(e.id) ?? str(e.guid);
    const receivedAt = e.receivedAt ?? e.received_at;
    const item = finish(source, {
      ...(id !== undefined ? { id } : {}),
      title: textOf(str(e.title) ?? ''),
      summary: textOf(summaryRaw),
      ...(url !== undefined ? { url } : {}),
      publishedAt: parseTime(e.publishedAt ?? e.published_at ?? e.date_published ?? e.published ?? e.time),
      ...(receivedAt !== undefined ? { receivedAt: parseTime(receivedAt) } : {}),
      symbols: symbolsRaw.filter((s): s is string => typeof s === 'string'),
    }, i + 1, rejected);
    if (item) items.push(item);
  }
  return { format, items, rejected };
}

/**
 * Reads a feed document of any of the four formats.
 * @param source names the feed in items and errors (a URL or a file name)
 * @throws DataError (naming the source) when the text is none of the formats.
 */
export function parseFeed(text: string, source: string): ParsedFeed {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('<')) {
    if (/<rss[\s>]/i.test(body) || /<channel[\s>]/i.test(body)) return parseRss(body, source);
    if (/<feed[\s>]/i.test(body)) return parseAtom(body, source);
    throw new DataError('an XML document that is neither RSS (<rss>) nor Atom (<feed>)', { source });
  }
  if (body.startsWith('[') || body.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      // JSON lines: one object per line.
      const lines = body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      const list: unknown[] = [];
      for (const [i, line] of lines.entries()) {
        try {
          list.push(JSON.parse(line));
        } catch (error) {
          throw new DataError(`not JSON, JSON lines, RSS or Atom (${error instanceof Error ? error.message : String(error)})`, { source, row: i + 1 });
        }
      }
      return parseJsonItems(list, source, 'json');
    }
    if (Array.isArray(parsed)) return parseJsonItems(parsed, source, 'json');
    const obj = parsed as Record<string, unknown>;
    if (Array.isArray(obj.items)) return parseJsonItems(obj.items, source, typeof obj.version === 'string' && obj.version.includes('jsonfeed') ? 'jsonfeed' : 'json');
    throw new DataError('a JSON object without an "items" array', { source });
  }
  throw new DataError('not a news feed (expected RSS, Atom, JSON Feed or a JSON array of items)', { source });
}
