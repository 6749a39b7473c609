/**
 * A minimal direction model: L2-regularised logistic regression of "the close is higher `h` bars
 * later" on a handful of scale-free features, fitted by Newton's method (IRLS) — exact for a few
 * dozen weights, no learning rate to tune.
 *
 * No leakage, by construction:
 * - rows are in time order and split by time: the first part trains, the last `validationFraction`
 *   validates (never shuffled);
 * - a training row's label looks `h` bars ahead, so training rows whose label window reaches into
 *   the validation period are purged (López de Prado's purging);
 * - the standardisation (mean, σ) is fitted on the training rows only;
 * - a row whose label is not yet known (the last `h` rows) is never used.
 *
 * @example
 * const { model, metrics } = trainDirectionModel(table, { horizonBars: 4 });
 * predictProbability(model, featureVector); // P(close[t + 4] > close[t])
 */
import { ConfigurationError } from '../../core/errors.js';
import { defaultFeatureSet } from '../../features/default-set.js';
import { generateFeatures } from '../../features/pipeline.js';
import { defineFeatureSet } from '../../features/schema.js';
import type { BarTable } from '../../model/bar.js';

/** The features the default model reads (all in the default feature set). */
export const DEFAULT_MODEL_FEATURES = ['ret_1', 'ret_5', 'rsi_14', 'dist_sma_20', 'bb_percent_b_20', 'volume_zscore_20', 'natr_14', 'macd_hist_rel'] as const;

/** A trained model, as stored in its JSON artefact. */
export interface LogisticModel {
  readonly kind: 'logistic';
  /** Feature names (default feature set), in the order of `weights`. */
  readonly features: readonly string[];
  /** Standardisation fitted on the training rows. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
  /** The label's horizon in bars of `timeframe`. */
  readonly horizonBars: number;
  readonly timeframe: string;
}

/** Classification quality on one split. */
export interface SplitMetrics {
  readonly rows: number;
  readonly accuracy: number;
  /** Mean negative log-likelihood (natural log). */
  readonly logLoss: number;
  readonly brier: number;
  /** Area under the ROC curve (0.5 = no skill); NaN with one class only. */
  readonly auc: number;
  /** Share of rows labelled up. */
  readonly baseRate: number;
}

export interface TrainingResult {
  readonly model: LogisticModel;
  readonly train: SplitMetrics;
  readonly validation: SplitMetrics;
  /** What the split was, for the registry row. */
  readonly split: { readonly trainRows: number; readonly purgedRows: number; readonly validationRows: number; readonly trainStart: number; readonly trainEnd: number; readonly validationStart: number; readonly validationEnd: number };
}

export interface TrainOptions {
  readonly horizonBars?: number;
  /** Share of the (time-ordered) rows kept for validation. Default 0.3. */
  readonly validationFraction?: number;
  /** L2 penalty on the weights (not the bias). Default 1. */
  readonly l2?: number;
  /** Fewest usable training rows. Default 100. */
  readonly minRows?: number;
  readonly iterations?: number;
}

/** One observation: when, the feature vector, and the close it is known at. */
export interface LabelledRowSource {
  readonly time: number;
  readonly x: ArrayLike<number>;
  readonly close: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A·x = b for a small dense symmetric positive-definite system (Gaussian elimination with pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / pivot;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

/**
 * Fits weights and bias on standardised rows by IRLS with an L2 penalty on the weights.
 * @returns [weights, bias]
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], l2 = 1, iterations = 25): { weights: number[]; bias: number } {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const m = d + 1;
  // Rows with a leading 1 (the bias), flattened, so the loops below touch only typed arrays.
  const rows = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    rows[i * m] = 1;
    for (let j = 0; j < d; j++) rows[i * m + j + 1] = x[i]![j]!;
  }
  const beta = new Float64Array(m); // [bias, w...]
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(m * m);
  for (let it = 0; it < iterations; it++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let z = 0;
      for (let j = 0; j < m; j++) z += beta[j]! * rows[o + j]!;
      const p = sigmoid(z);
      const r = p - y[i]!;
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < m; j++) {
        const xj = rows[o + j]!;
        gradient[j]! += r * xj;
        const wx = w * xj;
        for (let k = j; k < m; k++) hessian[j * m + k]! += wx * rows[o + k]!;
      }
    }
    for (let j = 1; j < m; j++) {
      gradient[j]! += l2 * beta[j]!;
      hessian[j * m + j]! += l2;
    }
    const a: number[][] = [];
    for (let j = 0; j < m; j++) {
      const row: number[] = [];
      for (let k = 0; k < m; k++) row.push(k >= j ? hessian[j * m + k]! : hessian[k * m + j]!);
      a.push(row);
    }
    const step = solve(a, Array.from(gradient));
    let change = 0;
    for (let j = 0; j < m; j++) {
      beta[j]! -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-9) break;
  }
  return { weights: Array.from(beta.subarray(1)), bias: beta[0]! };
}

/** P(up) for a raw (unstandardised) feature vector; NaN when a feature is not available. */
export function predictProbability(model: LogisticModel, x: ArrayLike<number>): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) {
    const v = x[j]!;
    if (!Number.isFinite(v)) return Number.NaN;
    z += model.weights[j]! * ((v - model.mean[j]!) / model.std[j]!);
  }
  return sigmoid(z);
}

/** Accuracy, log loss, Brier score and AUC of probabilities `p` against labels `y`. */
export function classificationMetrics(p: readonly number[], y: readonly number[]): SplitMetrics {
  const n = p.length;
  if (n === 0) return { rows: 0, accuracy: Number.NaN, logLoss: Number.NaN, brier: Number.NaN, auc: Number.NaN, baseRate: Number.NaN };
  let correct = 0;
  let logLoss = 0;
  let brier = 0;
  let ups = 0;
  for (let i = 0; i < n; i++) {
    const pi = Math.min(1 - 1e-12, Math.max(1e-12, p[i]!));
    const yi = y[i]!;
    if ((pi > 0.5 ? 1 : 0) === yi) correct++;
    logLoss -= yi * Math.log(pi) + (1 - yi) * Math.log(1 - pi);
    brier += (pi - yi) ** 2;
    ups += yi;
  }
  // AUC = P(score of a random up > score of a random down), ties counting ½ (Mann–Whitney).
  const order = p.map((v, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[order[j + 1]!] === p[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k]!] === 1) rankSum += rank;
    i = j + 1;
  }
  const downs = n - ups;
  const auc = ups === 0 || downs === 0 ? Number.NaN : (rankSum - (ups * (ups + 1)) / 2) / (ups * downs);
  return { rows: n, accuracy: correct / n, logLoss: logLoss / n, brier: brier / n, auc, baseRate: ups / n };
}

/**
 * Trains on consecutive rows of one series (or several series' rows, each consecutive, concatenated
 * in time order via `series`): labels from the close `horizonBars` rows later.
 * @throws ConfigurationError when fewer than `minRows` usable training rows remain.
 */
export function trainOnRows(
  series: ReadonlyArray<readonly LabelledRowSource[]>,
  features: readonly string[],
  timeframe: string,
  options: TrainOptions = {},
): TrainingResult {
  const h = options.horizonBars ?? 4;
  const validationFraction = options.validationFraction ?? 0.3;
  if (!(validationFraction > 0 && validationFraction < 1)) throw new ConfigurationError(`must be in (0, 1), got ${validationFraction}`, 'validationFraction');
  // Label each row from its own series; keep rows whose label is known and whose features all exist.
  const rows: Array<{ time: number; labelTime: number; x: number[]; y: number }> = [];
  for (const list of series) {
    for (let i = 0; i + h < list.length; i++) {
      const x = Array.from(list[i]!.x);
      if (!x.every(Number.isFinite)) continue;
      const now = list[i]!.close;
      const later = list[i + h]!.close;
      if (!(now > 0 && later > 0)) continue;
      rows.push({ time: list[i]!.time, labelTime: list[i + h]!.time, x, y: later > now ? 1 : 0 });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  const cut = Math.floor(rows.length * (1 - validationFraction));
  const validation = rows.slice(cut);
  const validationStart = validation[0]?.time ?? Infinity;
  // Purge: a training row whose label was only known inside the validation period.
  const candidates = rows.slice(0, cut);
  const train = candidates.filter((r) => r.labelTime < validationStart);
  const minRows = options.minRows ?? 100;
  if (train.length < minRows) throw new ConfigurationError(`${train.length} usable training rows, fewer than the ${minRows} needed (more data, or a lower minRows)`, 'training');
  const d = features.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const r of train) for (let j = 0; j < d; j++) mean[j]! += r.x[j]! / train.length;
  for (const r of train) for (let j = 0; j < d; j++) std[j]! += (r.x[j]! - mean[j]!) ** 2 / Math.max(1, train.length - 1);
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const z = (r: { x: number[] }): number[] => r.x.map((v, j) => (v - mean[j]!) / std[j]!);
  const { weights, bias } = fitLogistic(train.map(z), train.map((r) => r.y), options.l2 ?? 1, options.iterations ?? 25);
  const model: LogisticModel = { kind: 'logistic', features: [...features], mean, std, weights, bias, horizonBars: h, timeframe };
  const score = (list: typeof rows): SplitMetrics => classificationMetrics(list.map((r) => predictProbability(model, r.x)), list.map((r) => r.y));
  return {
    model,
    train: score(train),
    validation: score(validation),
    split: {
      trainRows: train.length, purgedRows: candidates.length - train.length, validationRows: validation.length,
      trainStart: train[0]!.time, trainEnd: train[train.length - 1]!.time,
      validationStart: validation[0]?.time ?? Number.NaN, validationEnd: validation[validation.length - 1]?.time ?? Number.NaN,
    },
  };
}

/**
 * Trains the default direction model on a table (features computed in batch form, which equals
 * the incremental form the head uses at inference).
 */
export function trainDirectionModel(table: BarTable, options: TrainOptions & { readonly features?: readonly string[] } = {}): TrainingResult {
  const names = options.features ?? DEFAULT_MODEL_FEATURES;
  const all = defaultFeatureSet(table.timeframe).features;
  const defs = Object.fromEntries(names.map((n) => {
    const def = all[n];
    if (!def) throw new ConfigurationError(`no feature "${n}" in the default feature set`, 'features');
    return [n, def];
  }));
  const frame = generateFeatures(table, defineFeatureSet('model', defs));
  const rows: LabelledRowSource[] = [];
  for (let i = 0; i < table.length; i++) rows.push({ time: table.time[i]!, x: frame.columns.map((c) => c[i]!), close: table.close[i]! });
  return trainOnRows([rows], names, table.timeframe, options);
}
