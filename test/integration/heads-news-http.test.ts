/**
 * The sentiment head's HTTP adapter against a loopback server (127.0.0.1) serving recorded-style
 * RSS, Atom and JSON Feed documents: items parsed and stamped with the receive time, repeats not
 * returned twice, server errors as retryable TemporaryErrors, a bad document as a DataError, and
 * the poller degrading (not throwing) when a feed fails.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, TemporaryError } from '../../src/core/errors.js';
import { HttpNewsFeed, NewsPoller } from '../../src/heads/sentiment/feeds.js';
import { NewsBuffer } from '../../src/heads/sentiment/news.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/news/${name}`, import.meta.url), 'utf8');

let server: Server;
let base = '';

let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {

    const route: Record<string, [string, string]> = {
      '/rss': ['application/rss+xml', fixture('markets.rss.xml')],
      '/atom': ['application/atom+xml', fixture('markets.atom.xml')],
      '/json': ['application/feed+json', fixture('markets.feed.json')],
      '/html': ['text/html', '<html><body>not a feed</body></html>'],
    };
    if (req.url === '/busy') {
      res.writeHead(503, { 'retry-after': '7' }).end('busy');
      return;
    }
    if (req.url === '/flaky') {
      flaky++;
      if (flaky === 1) res.writeHead(500).end('oops');
      else res.writeHead(200, { 'content-type': 'application/feed+json' }).end(fixture('markets.feed.json'));
      return;
    }
    const hit = route[req.url ?? ''];
    if (!hit) {
      res.writeHead(404).end('no such feed');
      return;
    }
    res.writeHead(200, { 'content-type': hit[0] }).end(hit[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HTTP news feeds on a loopback server', () => {
  it('polls RSS, Atom and JSON Feed, stamping the receive time, and returns each item once', async () => {
    const now = Date.UTC(2025, 0, 10);
    const rss = new HttpNewsFeed({ url: `${base}/rss`, name: 'wire', now: () => now });
    const first = await rss.poll();
    expect(first.map((i) => i.id)).toEqual(['emw-1001', 'emw-1002', 'emw-1003']);
    expect(first.every((i) => i.receivedAt === now && i.source === 'wire')).toBe(true);
    expect(rss.lastRejected).toEqual([{ index: 4, reason: 'no readable publish time' }]);
    expect(await rss.poll()).toEqual([]);
    const atom = await new HttpNewsFeed({ url: `${base}/atom` }).poll();
    expect(atom.map((i) => i.title)).toEqual(['Regulator rejects bitcoin fund application, citing fraud concerns', 'Ether rallies as network upgrade is approved']);
    expect(atom[0]!.source).toBe(new URL(base).host);
    const json = await new HttpNewsFeed({ url: `${base}/json` }).poll();
    expect(json.map((i) => i.id)).toEqual(['jf-3001', 'jf-3002']);
  });

  it('reports a busy server as a retryable TemporaryError with its Retry-After', async () => {
    const error = await new HttpNewsFeed({ url: `${base}/busy` }).poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryError);
    expect((error as TemporaryError).retryAfterMs).toBe(7000);
  });

  it('reports a missing feed and a page that is not a feed as DataErrors naming the URL', async () => {
    await expect(new HttpNewsFeed({ url: `${base}/nope` }).poll()).rejects.toThrow(DataError);
    await expect(new HttpNewsFeed({ url: `${base}/nope` }).poll()).rejects.toThrow(`${base}/nope: HTTP 404`);
    await expect(new HttpNewsFeed({ url: `${base}/html` }).poll()).rejects.toThrow(/neither RSS/);
  });

  it('reports an unreachable host as a TemporaryError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(new HttpNewsFeed({ url: `http://127.0.0.1:${port}/rss`, timeoutMs: 2000 }).poll()).rejects.toThrow(TemporaryError);
  });

  it('the poller fills the buffer, marks itself degraded while a feed fails, and recovers', async () => {
    const buffer = new NewsBuffer();
    const poller = new NewsPoller([new HttpNewsFeed({ url: `${base}/rss` }), new HttpNewsFeed({ url: `${base}/flaky` })], buffer, 60_000);
    await poller.pollOnce();
    expect(poller.lifecycle.current.state).toBe('degraded');
    expect(poller.lifecycle.current.reason).toMatch(/HTTP 500/);
    expect(buffer.size).toBe(3);
    await poller.pollOnce();
    expect(poller.lifecycle.current.state).toBe('running');
    expect(buffer.size).toBe(5);
    await poller.stop();
    expect(poller.lifecycle.current.state).toBe('stopped');
  });
});
