/**
 * Feature selection as functions over a dataset (columns of equal length, NaN = missing): a
 * correlation filter that drops near-duplicates, and mutual information against a label. Rows
 * where either of two compared columns is NaN are left out of that comparison (pairwise complete).
 */
import { ConfigurationError } from '../core/errors.js';

/** Named columns of equal length, e.g. a `FeatureFrame`. */
export interface FeatureDataset {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

function checkDataset(data: FeatureDataset): number {
  if (data.names.length !== data.columns.length) throw new ConfigurationError(`${data.names.length} names for ${data.columns.length} columns`, 'dataset');
  const n = data.columns[0]?.length ?? 0;
  for (const [k, c] of data.columns.entries()) {
    if (c.length !== n) throw new ConfigurationError(`column "${data.names[k]}" has ${c.length} rows, the first has ${n}`, 'dataset');
  }
  return n;
}

/** Pearson correlation over the rows where both are finite; NaN with fewer than 3 such rows or a constant side. */
export function pearson(a: Float64Array, b: Float64Array): number {
  const n = Math.min(a.length, b.length);
  let count = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x - x !== 0 || y - y !== 0) continue;
    count++;
    ma += x;
    mb += y;
  }
  if (count < 3) return NaN;
  ma /= count;
  mb /= count;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x - x !== 0 || y - y !== 0) continue;
    const dx = x - ma;
    const dy = y - mb;
    sab += dx * dy;
    saa += dx * dx;
    sbb += dy * dy;
  }
  if (!(saa > 0) || !(sbb > 0)) return NaN;
  const r = sab / Math.sqrt(saa * sbb);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Average ranks (1-based, ties share their mean rank) of the finite values; NaN stays NaN. */
export function ranks(values: Float64Array): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! - values[i]! === 0) idx.push(i);
  idx.sort((p, q) => values[p]! - values[q]!);
  const out = new Float64Array(values.length).fill(NaN);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && values[idx[e + 1]!] === values[idx[s]!]) e++;
    const rank = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) out[idx[k]!] = rank;
    s = e + 1;
  }
  return out;
}

/** Spearman rank correlation over the rows where both are finite. */
export function spearman(a: Float64Array, b: Float64Array): number {
  const both = (x: Float64Array, y: Float64Array): Float64Array => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = y[i]! - y[i]! === 0 ? x[i]! : NaN;
    return out;
  };
  return pearson(ranks(both(a, b)), ranks(both(b, a)));
}

export interface CorrelationFilterOptions {
  /** Drop a feature whose |correlation| with a kept one is at least this (default 0.95). */
  readonly threshold?: number;
  readonly method?: 'pearson' | 'spearman';
  /**
   * Priority: names in the order they should be kept when two are correlated (e.g. by mutual
   * information, best first); names not listed follow in dataset order. Default: dataset order.
   */
  readonly order?: readonly string[];
}

export interface CorrelationFilterResult {
  readonly kept: string[];
  readonly dropped: { readonly name: string; readonly correlatedWith: string; readonly correlation: number }[];
}

/**
 * Greedy correlation filter: walks the features in priority order and keeps one unless it is
 * correlated (|r| ≥ threshold) with a feature already kept.
 * @example
 * const { kept } = correlationFilter(frame, { threshold: 0.9, order: byMi.map((m) => m.name) });
 */
export function correlationFilter(data: FeatureDataset, options: CorrelationFilterOptions = {}): CorrelationFilterResult {
  checkDataset(data);
  const threshold = options.threshold ?? 0.95;
  if (!(threshold > 0 && threshold <= 1)) throw new ConfigurationError(`must be in (0, 1], got ${String(threshold)}`, 'threshold');
  const method = options.method ?? 'pearson';
  if (method !== 'pearson' && method !== 'spearman') throw new ConfigurationError(`must be pearson or spearman, got ${String(method)}`, 'method');
  const position = new Map(data.names.map((name, k) => [name, k]));
  const order: number[] = [];
  for (const name of options.order ?? []) {
    const k = position.get(name);
    if (k === undefined) throw new ConfigurationError(`"${name}" is not a column of the dataset`, 'order');
    if (!order.includes(k)) order.push(k);
  }
  for (let k = 0; k < data.names.length; k++) if (!order.includes(k)) order.push(k);
  // Spearman on pairwise-complete rows needs ranks per pair; with complete columns, rank once.
  const rankCache = new Map<number, Float64Array>();
  const rankOf = (k: number): Float64Array => {
    let r = rankCache.get(k);
    if (!r) rankCache.set(k, (r = ranks(data.columns[k]!)));
    return r;
  };
  const complete = data.columns.map((c) => c.every((v) => v - v === 0));
  const corr = (p: number, q: number): number => {
    if (method === 'pearson') return pearson(data.columns[p]!, data.columns[q]!);
    return complete[p] && complete[q] ? pearson(rankOf(p), rankOf(q)) : spearman(data.columns[p]!, data.columns[q]!);
  };
  const kept: number[] = [];
  const dropped: CorrelationFilterResult['dropped'] = [];
  for (const k of order) {
    let drop: { with: number; r: number } | undefined;
    for (const j of kept) {
      const r = corr(k, j);
      if (Math.abs(r) >= threshold) {
        drop = { with: j, r };
        break;
      }
    }
    if (drop) dropped.push({ name: data.names[k]!, correlatedWith: data.names[drop.with]!, correlation: drop.r });
    else kept.push(k);
  }
  return { kept: kept.map((k) => data.names[k]!), dropped };
}

export interface MutualInformationOptions {
  /** Equal-frequency bins for a continuous feature (default 16). */
  readonly bins?: number;
  /**
   * Treat the label as classes (default: when it has at most 32 distinct values); otherwise it is
   * binned like the feature.
   */
  readonly discreteLabel?: boolean;
}

/** Bin codes (0..bins−1) by equal-frequency cut points over the finite values; −1 for NaN. Ties share a bin. */
function quantileCodes(values: Float64Array, bins: number): Int32Array {
  const codes = new Int32Array(values.length).fill(-1);
  const finite: number[] = [];
  for (const v of values) if (v - v === 0) finite.push(v);
  if (finite.length === 0) return codes;
  finite.sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const cut = finite[Math.floor((b * finite.length) / bins)]!;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) continue;
    // Number of cut points <= v: values equal to a cut go to the bin above it, so ties never split.
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    codes[i] = lo;
  }
  return codes;
}

/** Class codes for a discrete label (its distinct finite values); −1 for NaN. */
function classCodes(values: Float64Array): { codes: Int32Array; classes: number } {
  const map = new Map<number, number>();
  const codes = new Int32Array(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) continue;
    let c = map.get(v);
    if (c === undefined) map.set(v, (c = map.size));
    codes[i] = c;
  }
  return { codes, classes: map.size };
}

function distinctUpTo(values: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const v of values) {
    if (v - v !== 0) continue;
    seen.add(v);
    if (seen.size > limit) break;
  }
  return seen.size;
}

function labelCodes(label: Float64Array, options: MutualInformationOptions): { codes: Int32Array; classes: number } {
  const discrete = options.discreteLabel ?? distinctUpTo(label, 32) <= 32;
  if (discrete) return classCodes(label);
  const bins = options.bins ?? 16;
  return { codes: quantileCodes(label, bins), classes: bins };
}

function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 2 || bins > 1024) throw new ConfigurationError(`must be an integer between 2 and 1024, got ${String(bins)}`, 'bins');
}

function mutualInformationCodes(x: Int32Array, xBins: number, y: Int32Array, yBins: number): number {
  const joint = new Float64Array(xBins * yBins);
  const px = new Float64Array(xBins);
  const py = new Float64Array(yBins);
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a < 0 || b < 0) continue;
    joint[a * yBins + b]!++;
    px[a]!++;
    py[b]!++;
    count++;
  }
  if (count === 0) return NaN;
  let mi = 0;
  for (let a = 0; a < xBins; a++) {
    for (let b = 0; b < yBins; b++) {
      const j = joint[a * yBins + b]!;
      if (j > 0) mi += (j / count) * Math.log((j * count) / (px[a]! * py[b]!));
    }
  }
  return mi > 0 ? mi : 0;
}

/**
 * Mutual information (in nats) between a feature and a label, by the plug-in estimate over
 * equal-frequency bins of the feature and the label's classes (or bins). Rows where either is NaN
 * are left out. The plug-in estimate is biased upwards by about (bins−1)(classes−1)/(2N): compare
 * features on the same rows and bins, not across data sets.
 * @example mutualInformation(featureColumn(frame, 'rsi_14'), labels.label)
 */
export function mutualInformation(feature: Float64Array, label: Float64Array, options: MutualInformationOptions = {}): number {
  if (feature.length !== label.length) throw new ConfigurationError(`feature has ${feature.length} rows, label ${label.length}`, 'label');
  const bins = options.bins ?? 16;
  checkBins(bins);
  const y = labelCodes(label, options);
  return mutualInformationCodes(quantileCodes(feature, bins), bins, y.codes, y.classes);
}

/**
 * Every feature's mutual information with the label, highest first.
 * @example rankByMutualInformation(frame, labels.label).slice(0, 20)
 */
export function rankByMutualInformation(data: FeatureDataset, label: Float64Array, options: MutualInformationOptions = {}): { name: string; mi: number }[] {
  const n = checkDataset(data);
  if (label.length !== n) throw new ConfigurationError(`label has ${label.length} rows, the dataset ${n}`, 'label');
  const bins = options.bins ?? 16;
  checkBins(bins);
  const y = labelCodes(label, options);
  const scored = data.names.map((name, k) => ({ name, mi: mutualInformationCodes(quantileCodes(data.columns[k]!, bins), bins, y.codes, y.classes) }));
  return scored.sort((a, b) => (b.mi - a.mi) || (Number.isNaN(a.mi) ? 1 : Number.isNaN(b.mi) ? -1 : 0));
}
