/** Hash routes (`#/risk`): the server needs no fallback route and a reload keeps the page. */
import { useEffect, useState } from 'react';

export const pages = [
  { id: 'live', title: 'Live chart' },
  { id: 'decisions', title: 'Decisions' },
  { id: 'portfolio', title: 'Portfolio' },
  { id: 'risk', title: 'Risk' },
  { id: 'backtests', title: 'Backtests' },
  { id: 'system', title: 'System' },
] as const;

export type PageId = (typeof pages)[number]['id'];

export interface Route {
  readonly page: PageId;
  /** The rest of the path: `#/backtests/<job id>` → ['<job id>']. */
  readonly rest: readonly string[];
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const page = pages.find((p) => p.id === parts[0])?.id ?? 'live';
  return { page, rest: parts.slice(1) };
}

export function href(page: PageId, ...rest: string[]): string {
  return `#/${[page, ...rest].map(encodeURIComponent).join('/')}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
