import { describe, expect, it } from 'vitest';
import { ResponseCache } from './route.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ResponseCache', () => {
  it('reuses an answer for the same key within its time to live, then computes it again', async () => {
    const c = clock();
    const cache = new ResponseCache<string>(250, 64, c.now);
    let computed = 0;
    const compute = (): Promise<string> => Promise.resolve(JSON.stringify({ n: ++computed }));
    expect(await cache.fetch('/a', compute)).toBe('{"n":1}');
    c.advance(249);
    expect(await cache.fetch('/a', compute)).toBe('{"n":1}');
    expect(await cache.fetch('/b', compute)).toBe('{"n":2}');
    c.advance(1);
    expect(await cache.fetch('/a', compute)).toBe('{"n":3}');
  });

  it('lets requests that arrive during a computation wait for it instead of computing again', async () => {
    const cache = new ResponseCache<string>(250);
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async (): Promise<string> => {
      computed++;
      await gate;
      return 'answer';
    };
    const all = Promise.all([cache.fetch('/a', compute), cache.fetch('/a', compute), cache.fetch('/a', compute)]);
    release();
    expect(await all).toEqual(['answer', 'answer', 'answer']);
    expect(computed).toBe(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = new ResponseCache<string>(10_000);
    await expect(cache.fetch('/a', () => Promise.reject(new Error('storage down')))).rejects.toThrow('storage down');
    expect(await cache.fetch('/a', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('keeps at most maxEntries URLs, dropping the oldest', async () => {
    const cache = new ResponseCache<string>(10_000, 2);
    let computed = 0;
    const compute = (): Promise<string> => Promise.resolve(String(++computed));
    await cache.fetch('/1', compute);
    await cache.fetch('/2', compute);
    await cache.fetch('/3', compute); // evicts /1
    expect(await cache.fetch('/2', compute)).toBe('2');
    expect(await cache.fetch('/1', compute)).toBe('4');
  });
});
