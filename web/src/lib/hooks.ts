/** Data hooks: an API resource that reloads on an interval and on demand, and live topics. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query } from '../api/client.js';
import { live, type LiveStatus } from '../api/live.js';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Time of the last successful load (ms). */
  readonly loadedAt: number | undefined;
  readonly reload: () => void;
  /** Replaces the data locally (after a live update or a successful action). */
  readonly mutate: (update: (current: T | undefined) => T | undefined) => void;
}

export interface ResourceOptions {
  readonly query?: Query;
  /** Reload every so many ms while the page is visible. */
  readonly intervalMs?: number;
  /** Skip loading (the path is not known yet). */
  readonly enabled?: boolean;
}

/**
 * Loads `path` now, again every `intervalMs`, and on `reload()`. Keeps the last data while a
 * reload is in flight or fails (a failed refresh shows an error above still-useful data).
 */
export function useResource<T>(path: string, options: ResourceOptions = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<number | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(options.query ?? {});
  const enabled = options.enabled ?? true;
  const inFlight = useRef(false);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [path, queryKey]);

  useEffect(() => {
    if (!enabled) return undefined;
    const controller = new AbortController();
    inFlight.current = true;
    setLoading(true);
    api<T>(path, { query: JSON.parse(queryKey) as Query, signal: controller.signal })
      .then((body) => {
        setData(body);
        setError(undefined);
        setLoadedAt(Date.now());
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => {
        inFlight.current = false;
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, queryKey, tick, enabled]);

  useEffect(() => {
    if (!enabled || !options.intervalMs) return undefined;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible' && !inFlight.current) setTick((t) => t + 1);
    }, options.intervalMs);
    return () => clearInterval(id);
  }, [options.intervalMs, enabled]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mutate = useCallback((update: (current: T | undefined) => T | undefined) => setData(update), []);
  return { data, error, loading, loadedAt, reload, mutate };
}

/** Calls `handler` for each live message of `topic`; the latest handler is used without resubscribing. */
export function useLive(topic: string, handler: (data: unknown, topic: string) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.on(topic, (data, t) => ref.current(data, t)), [topic]);
}

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(live.status);
  useEffect(() => {
    const off = live.onStatus(setStatus);
    // The socket may have opened between the render and this subscription.
    setStatus(live.status);
    return off;
  }, []);
  return status;
}

/**
 * Runs an action (a POST) with its own pending flag and error, so a button can show both.
 *
 * @example
 *   const halt = useAction(() => api(path, { body }));
 *   <button disabled={halt.pending} onClick={() => void halt.run()}>Halt</button>
 */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): {
  readonly pending: boolean;
  readonly error: unknown;
  readonly result: R | undefined;
  readonly run: (...args: A) => Promise<R | undefined>;
  readonly clear: () => void;
} {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<R | undefined>(undefined);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      const r = await fnRef.current(...args);
      setResult(r);
      return r;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { pending, error, result, run, clear };
}

/** A clock that re-renders every `ms` (for "3 s ago" labels). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A function that runs `fn` at most once per `ms` (the last call in a burst is not lost). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRun = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = Math.max(0, lastRun.current + ms - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      lastRun.current = Date.now();
      fnRef.current();
    }, wait);
  }, [ms]);
}

/**
 * Live messages of `topic` delivered in batches, at most once per animation frame: a replay at full
 * speed sends thousands of bars a second, and one render per frame keeps the page responsive.
 */
export function useLiveBatches(topic: string, onBatch: (items: unknown[]) => void): void {
  const handler = useRef(onBatch);
  handler.current = onBatch;
  useEffect(() => {
    let pending: unknown[] = [];
    let frame: number | undefined;
    const flush = () => {
      frame = undefined;
      const items = pending;
      pending = [];
      if (items.length > 0) handler.current(items);
    };
    const off = live.on(topic, (data) => {
      pending.push(data);
      frame ??= requestAnimationFrame(flush);
    });
    return () => {
      off();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [topic]);
}
