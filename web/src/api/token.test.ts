import { beforeEach, describe, expect, it } from 'vitest';
import { adoptTokenFromUrl, tokenStore } from './token.js';

function visit(href: string): { replaced: string | undefined } {
  const seen: { replaced: string | undefined } = { replaced: undefined };
  adoptTokenFromUrl({ href } as Location, { replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => { seen.replaced = String(url); } } as History);
  return seen;
}

describe('the token in the page address', () => {
  beforeEach(() => tokenStore.set(undefined));

  it('takes the fragment token that `npm start` prints and clears it from the address bar', () => {
    expect(visit('http://127.0.0.1:8080/#token=arb_abc').replaced).toBe('/');
    expect(tokenStore.get()).toBe('arb_abc');
  });

  it('takes a query token and keeps the page route', () => {
    expect(visit('http://127.0.0.1:8080/?token=arb_q#/risk').replaced).toBe('/#/risk');
    expect(tokenStore.get()).toBe('arb_q');
  });

  it('takes a token after a route in the fragment', () => {
    expect(visit('http://127.0.0.1:8080/#/portfolio?token=arb_h').replaced).toBe('/#/portfolio');
    expect(tokenStore.get()).toBe('arb_h');
  });

  it('leaves the address and the stored token alone when the URL has none', () => {
    tokenStore.set('arb_kept');
    expect(visit('http://127.0.0.1:8080/#/live').replaced).toBeUndefined();
    expect(tokenStore.get()).toBe('arb_kept');
  });
});
