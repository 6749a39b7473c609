/**
 * The ML head: a direction model's probability as a signal. With p = P(close higher after the
 * model's horizon): direction sign(p − ½), raw confidence max(p, 1 − p); silent when |p − ½| <
 * `minEdge` or a feature is not available.
 *
 * Two ways to get the model:
 * - `model`: one loaded from the registry (`loadModel(storage.models, name)`), for paper and live;
 * - `train`: walk-forward — the head records its feature vectors while the ensemble's fit period
 *   runs and trains at its end (`fit`), on data it has seen, with labels it could know by then.
 */
import { z } from 'zod';
import { ConfigurationError, errorMessage } from '../../core/errors.js';
import { horizonOf, parseOptions, signed } from '../config.js';
import { roundInput, type HeadContext, type HeadFitReport, type Signal, type SignalHead, type SignalInput } from '../signal.js';
import { DEFAULT_MODEL_FEATURES, predictProbability, trainOnRows, type LabelledRowSource, type LogisticModel, type TrainingResult } from './logistic.js';

export const mlHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('ml'),
  /** Smallest |p − ½| at which the head speaks. */
  minEdge: z.number().min(0).max(0.5).default(0.02),
  /** Walk-forward training (when no model is given). */
  train: z.strictObject({
    /** Default-set features the model reads. */
    features: z.array(z.string()).min(1).default([...DEFAULT_MODEL_FEATURES]),
    /** Label horizon in bars. */
    horizonBars: z.number().int().min(1).default(4),
    /** Share of the fit period held out to validate. */
    validationFraction: z.number().gt(0).lt(1).default(0.3),
    l2: z.number().min(0).default(1),
    /** Fewest usable training rows; below it the head stays silent. */
    minRows: z.number().int().min(10).default(100),
  }).optional(),
});

export type MlHeadOptions = z.input<typeof mlHeadSchema> & {
  /** A trained model (e.g. from `loadModel`). */
  readonly model?: LogisticModel;
};

/**
 * @example
 * mlHead({ model: (await loadModel(storage.models, 'btc-direction')).model });
 * mlHead({ train: { horizonBars: 4 } });            // trains at the end of the walk-forward fit period
 */
export function mlHead(options: MlHeadOptions): MlHead {
  const { model, ...rest } = options;
  const o = parseOptions(mlHeadSchema, rest, 'heads.ml');
  if (model === undefined && o.train === undefined) throw new ConfigurationError('give a trained model, or train options for walk-forward training', 'heads.ml');
  return new MlHead(o, model);
}

export class MlHead implements SignalHead {
  readonly id: string;
  readonly kind = 'ml';
  readonly description: string;
  readonly requires: { readonly features: readonly string[] };
  private model: LogisticModel | undefined;
  /** What the last walk-forward training produced. */
  training: TrainingResult | undefined;
  private readonly rows = new Map<string, LabelledRowSource[]>();
  private readonly x: Float64Array;
  /** The panel's timeframe, recorded in a walk-forward model. */
  private timeframe: string | undefined;

  constructor(
    private readonly o: z.output<typeof mlHeadSchema>,
    model: LogisticModel | undefined,
  ) {
    this.id = o.id;
    this.model = model;
    const features = model?.features ?? o.train!.features;
    this.requires = { features };
    this.x = new Float64Array(features.length);
    this.description = model ? `logistic model on ${features.join(', ')} (horizon ${model.horizonBars} bars)` : `logistic model trained walk-forward on ${features.join(', ')}`;
  }

  get trained(): boolean {
    return this.model !== undefined;
  }

  evaluate(ctx: HeadContext): Signal | undefined {
    this.timeframe ??= ctx.timeframe;
    const names = this.requires.features;
    for (let j = 0; j < names.length; j++) this.x[j] = ctx.feature(names[j]!);
    const model = this.model;
    if (!model) {
      let list = this.rows.get(ctx.symbol);
      if (!list) this.rows.set(ctx.symbol, (list = []));
      list.push({ time: ctx.time, x: Float64Array.from(this.x), close: ctx.bar.close });
      return undefined;
    }
    const p = predictProbability(model, this.x);
    if (!Number.isFinite(p) || Math.abs(p - 0.5) < this.o.minEdge) return undefined;
    const inputs: Record<string, SignalInput> = { probabilityUp: roundInput(p) };
    names.forEach((n, j) => (inputs[n] = roundInput(this.x[j]!)));
    return {
      direction: p > 0.5 ? 1 : -1,
      confidence: Math.max(p, 1 - p),
      horizonMs: horizonOf(model.horizonBars, ctx.timeframe),
      reason: `model P(up in ${model.horizonBars} bars) = ${p.toFixed(3)} (edge ${signed(p - 0.5, 3)})`,
      inputs,
    };
  }

  fit(_time: number): HeadFitReport {
    if (this.model) return { head: this.id, fitted: false, detail: { reason: 'a trained model was given' } };
    const t = this.o.train!;
    try {
      this.training = trainOnRows([...this.rows.values()], t.features, this.timeframe ?? 'unknown', { horizonBars: t.horizonBars, validationFraction: t.validationFraction, l2: t.l2, minRows: t.minRows });
    } catch (error) {
      return { head: this.id, fitted: false, detail: { reason: errorMessage(error) } };
    } finally {
      this.rows.clear();
    }
    this.model = this.training.model;
    const v = this.training.validation;
    return {
      head: this.id, fitted: true,
      detail: {
        trainRows: this.training.split.trainRows, purgedRows: this.training.split.purgedRows, validationRows: this.training.split.validationRows,
        validationAccuracy: roundInput(v.accuracy), validationAuc: roundInput(v.auc), validationBaseRate: roundInput(v.baseRate), validationLogLoss: roundInput(v.logLoss),
      },
    };
  }
}
