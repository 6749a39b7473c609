/** Synthetic bar tables for the heads' tests (deterministic: no randomness unless seeded). */
import { BarTable } from '../model/bar.js';

/** Hourly bars whose closes follow `closes`; open is the previous close, high/low ±0.2%, volume from `volumes` or 1000. */
export function barsFromCloses(closes: readonly number[], options: { readonly symbol?: string; readonly timeframe?: string; readonly volumes?: readonly number[]; readonly start?: number } = {}): BarTable {
  const step = options.timeframe === '1d' ? 86_400_000 : options.timeframe === '1m' ? 60_000 : 3_600_000;
  const start = options.start ?? Date.UTC(2024, 0, 1);
  return BarTable.fromBars(options.symbol ?? 'TEST/USD', options.timeframe ?? '1h', closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { time: start + i * step, open, high: Math.max(open, close) * 1.002, low: Math.min(open, close) * 0.998, close, volume: options.volumes?.[i] ?? 1000 };
  }));
}

/** A seeded random walk (mulberry32) with drift, for series with noise. */
export function randomWalk(n: number, seed: number, drift = 0, vol = 0.01, start = 100): number[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  let price = start;
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    price *= Math.exp(drift + vol * z);
    out.push(price);
  }
  return out;
}
