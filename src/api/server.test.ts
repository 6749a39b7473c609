import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiHarness, type ApiHarness } from '../../test/integration/api-kit.js';
import { createLogger } from '../core/logger.js';
import { addRoute } from './route.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function harness(options: Parameters<typeof apiHarness>[0] = {}): Promise<ApiHarness> {
  const h = await apiHarness(options);
  cleanups.push(() => h.close());
  return h;
}

const madeUpToken = (): string => `arb_${randomBytes(32).toString('base64url')}`;

describe('rate limit', () => {
  it('counts made-up tokens against the address, so they cannot each get a fresh allowance', async () => {
    const h = await harness({ config: { server: { rateLimit: { max: 3, windowMs: 60_000 } } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.request({ url: '/api/v1/account', token: madeUpToken() })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // A known token has its own allowance.
    const known: number[] = [];
    for (let i = 0; i < 4; i++) known.push((await h.request({ url: '/api/v1/account', scope: 'read' })).status);
    expect(known).toEqual([200, 200, 200, 429]);
  });
});

describe('request logging', () => {
  it('still logs a failed request with its request id (the per-request logger is made on first use)', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const h = await harness({ logger: createLogger('server-test', { level: 'info', destination }) });
    h.api.app.get('/test/boom', () => Promise.reject(new Error('kaboom')));
    const ok = await h.request({ url: '/api/v1/account' });
    expect(ok.status).toBe(200);
    expect(lines).toEqual([]); // a request that logs nothing writes nothing
    const failed = await h.request({ url: '/test/boom' });
    expect(failed.status).toBe(500);
    const entry = JSON.parse(lines.find((l) => l.includes('request failed'))!) as { reqId?: string; err?: { message?: string }; url?: string };
    expect(entry).toMatchObject({ err: { message: 'kaboom' }, url: '/test/boom' });
    expect(typeof entry.reqId).toBe('string');
  });
});

describe('cached routes', () => {
  it('share the handler\'s answer for a short time while auth and validation still run on every request', async () => {
    const h = await harness();
    let computed = 0;
    addRoute(h.api.app, {
      method: 'GET', url: '/test/cached', scope: 'read', tags: ['test'], summary: 'test', cache: { ttlMs: 300 },
      querystring: z.strictObject({ n: z.coerce.number().int().max(10).default(1) }),
      response: { 200: z.object({ computed: z.number(), n: z.number() }) },
      handler: ({ query }) => Promise.resolve({ computed: ++computed, n: query.n }),
    });
    const first = await h.request({ url: '/test/cached?n=2' });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toEqual({ computed: 1, n: 2 });
    expect((await h.request({ url: '/test/cached?n=2' })).body).toEqual({ computed: 1, n: 2 });
    expect((await h.request({ url: '/test/cached?n=2', scope: 'none' })).status).toBe(401);
    expect((await h.request({ url: '/test/cached?n=2', token: madeUpToken() })).status).toBe(401);
    expect((await h.request({ url: '/test/cached?n=99' })).status).toBe(400);
    expect((await h.request({ url: '/test/cached?n=3' })).body).toEqual({ computed: 2, n: 3 });
    await new Promise((r) => setTimeout(r, 350));
    expect((await h.request({ url: '/test/cached?n=2' })).body).toEqual({ computed: 3, n: 2 });
  });

  it('are refused for anything but GET', async () => {
    const h = await harness();
    expect(() => addRoute(h.api.app, {
      method: 'POST', url: '/test/cached-post', scope: 'read', tags: ['test'], summary: 'test', cache: { ttlMs: 300 }, response: {},
      handler: () => Promise.resolve({}),
    })).toThrow(/only GET answers may be cached/);
  });
});
