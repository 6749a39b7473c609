/**
 * The training job (`POST /api/v1/ai/model/train`, `POST /api/ml/train`): trains one of the
 * model types below on a bundled bar data set, logs each step, and registers the model in the
 * `ml_models` registry with its train and validation metrics (also as `model_performance` rows).
 * The request names a model type and a bundled data set — never a file or code — so any server
 * of a BullMQ queue can run it. The artefact (a few hundred bytes of JSON) is kept in the registry
 * row as a `data:` URI, so every server sharing the database can load the model
 * (`readModelArtifact` reads it).
 *
 * Training is synchronous CPU work in the job's thread; the bundled sets train in well under a
 * second (45k rows of BTC/USD 1m: about 0.2 s), and the steps yield to the event loop in between.
 */
import { ConfigurationError } from '../../core/errors.js';
import { bundledDataPath, bundledDataSets, loadBars } from '../../data/index.js';
import { defaultFeatureSet } from '../../features/default-set.js';
import { DEFAULT_MODEL_FEATURES, trainDirectionModel, type SplitMetrics, type TrainingResult } from '../../heads/ml/logistic.js';
import type { JsonObject, ModelRecord, Storage } from '../../storage/port.js';
import type { ModelTrainRequest } from '../schemas/ai.js';
import { barsInPeriod, requestTime } from './period.js';
import { JobCanceledError, type JobContext, type JobProcessor } from './types.js';
import { finiteOrNull } from '../../portfolio/metrics/stats.js';

/** Model types a training job can train, with what they are. */
export const TRAINABLE_MODELS: Readonly<Record<string, string>> = {
  logistic: 'L2-regularised logistic regression of "the close is higher horizon_bars later" on default-set features (time-ordered split, purged; src/heads/ml/logistic.ts); used by the ML head',
};

export const DEFAULT_TRAINING_DATA = 'BTC_USDT-1h.csv';

/** Checks what can be checked before queueing; throws ConfigurationError naming the field. */
export function checkTrainRequest(request: ModelTrainRequest): void {
  if (!Object.hasOwn(TRAINABLE_MODELS, request.model_type)) {
    throw new ConfigurationError(`"${request.model_type}" is not a model type this server trains; supported: ${Object.keys(TRAINABLE_MODELS).join(', ')}`, 'model_type');
  }
  const data = request.data ?? DEFAULT_TRAINING_DATA;
  const set = bundledDataSets.find((d) => d.file === data);
  if (!set || set.kind !== 'bars') {
    throw new ConfigurationError(`"${data}" is not a bundled bar data set; available: ${bundledDataSets.filter((d) => d.kind === 'bars').map((d) => d.file).join(', ')}`, 'data');
  }
  const known = defaultFeatureSet(set.timeframe).features;
  for (const [i, name] of (request.features ?? []).entries()) {
    if (!Object.hasOwn(known, name)) throw new ConfigurationError(`no feature "${name}" in the default feature set (docs/features.md)`, `features.${i}`);
  }
  if (request.features && new Set(request.features).size !== request.features.length) throw new ConfigurationError('a feature is listed twice', 'features');
  const from = requestTime(request.from, 'from');
  const to = requestTime(request.to, 'to');
  if (from !== undefined && to !== undefined && !(from < to)) throw new ConfigurationError('from must be before to', 'to');
}

/** `btc-usdt-1h-direction` for BTC/USDT 1h. */
export function defaultModelName(symbol: string, timeframe: string): string {
  return `${symbol.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${timeframe}-direction`;
}

function metricsJson(m: SplitMetrics): JsonObject {
  return { rows: m.rows, accuracy: finiteOrNull(m.accuracy), logLoss: finiteOrNull(m.logLoss), brier: finiteOrNull(m.brier), auc: finiteOrNull(m.auc), baseRate: finiteOrNull(m.baseRate) };
}

function checkCanceled(context: JobContext): void {
  if (context.signal.aborted) throw new JobCanceledError();
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The next free integer version of a model name. */
async function nextVersion(storage: Storage, name: string): Promise<number> {
  const versions = (await storage.models.list({ name })).map((m) => Number(m.version)).filter((v) => Number.isInteger(v));
  return versions.length > 0 ? Math.max(...versions) + 1 : 1;
}

/** A processor for `train` jobs. */
export function trainProcessor(storage: Storage | undefined): JobProcessor {
  return async (raw, context) => {
    const request = raw as ModelTrainRequest;
    checkTrainRequest(request);
    if (!storage) throw new ConfigurationError('no database: a trained model is registered in the ml_models registry', 'storage');
    const data = request.data ?? DEFAULT_TRAINING_DATA;
    const horizonBars = request.horizon_bars ?? 4;
    const validationFraction = request.validation_fraction ?? 0.3;
    const l2 = request.l2 ?? 1;
    const features = request.features ?? [...DEFAULT_MODEL_FEATURES];

    context.log('info', `training a ${request.model_type} model on ${data}`);
    const table = barsInPeriod((await loadBars(bundledDataPath(data))).table, requestTime(request.from, 'from'), requestTime(request.to, 'to'));
    checkCanceled(context);
    const name = request.model_name ?? defaultModelName(table.symbol, table.timeframe);
    context.log('info', `${table.symbol} ${table.timeframe}: ${table.length} bars from ${new Date(table.time[0]!).toISOString()} to ${new Date(table.time[table.length - 1]!).toISOString()}`);
    context.log('info', `label: close higher ${horizonBars} bar${horizonBars === 1 ? '' : 's'} later; ${features.length} features: ${features.join(', ')}`);
    context.progress(0.2);
    await yieldNow();
    checkCanceled(context);

    const started = performance.now();
    const trained: TrainingResult = trainDirectionModel(table, { horizonBars, validationFraction, l2, features });
    const ms = performance.now() - started;
    const { split, train, validation } = trained;
    context.log('info', `split by time: ${split.trainRows} training rows (${split.purgedRows} purged), ${split.validationRows} validation rows from ${new Date(split.validationStart).toISOString()}`);
    context.log('info', `fitted in ${ms.toFixed(0)} ms: train accuracy ${train.accuracy.toFixed(4)}, validation accuracy ${validation.accuracy.toFixed(4)}, AUC ${Number.isFinite(validation.auc) ? validation.auc.toFixed(4) : 'n/a'}, log loss ${validation.logLoss.toFixed(4)} (base rate ${validation.baseRate.toFixed(4)})`);
    context.progress(0.8);
    await yieldNow();
    checkCanceled(context);

    const model = trained.model;
    const createdAt = Date.now();
    let version = await nextVersion(storage, name);
    let record: ModelRecord | undefined;
    // Another server may register the same name at the same time: take the next version then.
    for (let attempt = 0; record === undefined; attempt++) {
      const candidate: ModelRecord = {
        name, version: String(version), kind: model.kind,
        parameters: {
          features: [...model.features], horizonBars: model.horizonBars, timeframe: model.timeframe, symbol: table.symbol, data, l2, validationFraction,
          periodStart: table.time[0]!, periodEnd: table.time[table.length - 1]!,
          split: { ...split, validationStart: finiteOrNull(split.validationStart), validationEnd: finiteOrNull(split.validationEnd) }, job: context.id,
        },
        metrics: { train: metricsJson(train), validation: metricsJson(validation) },
        artifactUri: `data:application/json;base64,${Buffer.from(JSON.stringify(model)).toString('base64')}`,
        stage: 'research', createdAt,
        description: `${request.model_type} direction model on ${data} (job ${context.id})`,
      };
      try {
        await storage.models.register(candidate);
        record = candidate;
      } catch (error) {
        if (attempt >= 4 || !/already registered/i.test(error instanceof Error ? error.message : String(error))) throw error;
        version = await nextVersion(storage, name);
      }
    }
    await storage.models.recordPerformance({ modelName: name, modelVersion: record.version, evaluatedAt: createdAt, split: 'train', periodStart: split.trainStart, periodEnd: split.trainEnd, metrics: metricsJson(train) });
    if (Number.isFinite(split.validationStart)) {
      await storage.models.recordPerformance({ modelName: name, modelVersion: record.version, evaluatedAt: createdAt, split: 'validation', periodStart: split.validationStart, periodEnd: split.validationEnd, metrics: metricsJson(validation) });
    }
    context.log('info', `registered ${name} version ${record.version} (stage research); predict with GET /api/v1/ai/model/predict/{ticker}?model_name=${name}`);
    return {
      summary: {
        model_type: request.model_type, model_name: name, model_version: record.version, data, symbol: table.symbol, timeframe: table.timeframe,
        train_rows: split.trainRows, validation_rows: split.validationRows, train_accuracy: finiteOrNull(train.accuracy),
        validation_accuracy: finiteOrNull(validation.accuracy), validation_auc: finiteOrNull(validation.auc), validation_log_loss: finiteOrNull(validation.logLoss),
        validation_base_rate: finiteOrNull(validation.baseRate),
      },
    };
  };
}
