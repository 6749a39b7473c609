/**
 * Where the dashboard keeps its API token: taken once from the page URL (`?token=` or `#token=`,
 * then removed from the address bar so it is not bookmarked or shared), kept in localStorage.
 */
const KEY = 'arbiter.token';

let current: string | undefined;
const listeners = new Set<(token: string | undefined) => void>();

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // private mode or disabled storage: keep it in memory only
  }
}

export const tokenStore = {
  get(): string | undefined {
    if (current === undefined) current = storage()?.getItem(KEY) ?? undefined;
    return current || undefined;
  },
  set(token: string | undefined): void {
    current = token?.trim() || undefined;
    if (current) storage()?.setItem(KEY, current);
    else storage()?.removeItem(KEY);
    for (const listener of listeners) listener(current);
  },
  subscribe(listener: (token: string | undefined) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Moves a token given in the page URL into the store and cleans the URL. */
export function adoptTokenFromUrl(location: Location, history: History): void {
  const url = new URL(location.href);
  let token = url.searchParams.get('token') ?? undefined;
  if (token !== undefined) url.searchParams.delete('token');
  const hash = url.hash.replace(/^#/, '');
  const hashParams = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : hash.startsWith('token=') ? hash : '');
  const fromHash = hashParams.get('token');
  if (fromHash) {
    token = fromHash;
    url.hash = hash.startsWith('token=') ? '' : hash.slice(0, hash.indexOf('?'));
  }
  if (token) {
    tokenStore.set(token);
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}
