/**
 * Model training as background jobs (`POST /api/v1/ai/model/train`, MISSION §5; `POST
 * /api/ml/train?model_type=`, MISSION §2) and predictions from the registry
 * (`GET /api/v1/ai/model/predict/{ticker}`).
 */
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../core/errors.js';
import { timeframeMs } from '../../core/time.js';
import { defaultFeatureSet } from '../../features/default-set.js';
import { generateFeatures } from '../../features/pipeline.js';
import { defineFeatureSet } from '../../features/schema.js';
import { predictProbability } from '../../heads/ml/logistic.js';
import { readModelArtifact } from '../../heads/ml/model-store.js';
import type { JsonObject, ModelRecord } from '../../storage/port.js';
import type { ApiContext } from '../context.js';
import { badRequest, HttpError, notFound, unavailable } from '../errors.js';
import { checkTrainRequest } from '../jobs/train.js';
import { addRoute, type Caller } from '../route.js';
import { modelTrainRequest, predictionResponse, predictQuery, tickerParams, trainStartedResponse, type ModelTrainRequest } from '../schemas/ai.js';
import { trainQuery } from '../schemas/monitoring.js';
import { actorOf, audit, requireSession, resolveSymbol } from './helpers.js';

/** Candles the features of a prediction are computed over (long enough for every default feature to settle). */
const PREDICTION_BARS = 2000;

export function registerMlRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const start = async (request: ModelTrainRequest, caller: Caller | undefined) => {
    checkTrainRequest(request);
    const plainRequest = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
    const job = await ctx.jobs.enqueue('train', plainRequest, actorOf(caller));
    await audit(ctx, caller, 'model.train', job.id, plainRequest as JsonObject);
    return { job_id: job.id, status: job.status, model_type: request.model_type, queue: job.queue };
  };
  const trainDescription = 'A background job (in-process, or BullMQ with `REDIS_URL`) trains the model on a bundled bar data set and registers it in `ml_models` with its train and validation metrics (GET /api/ml/performance). Follow it with GET /api/v1/jobs/{job_id}, its log lines with GET /api/v1/jobs/{job_id}/logs or the `/ws` topic `jobs`. Model types: `logistic`; another is a 400 listing them.';

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/model/train', scope: 'admin', tags: ['TradingView and research (MISSION §5)'],
    summary: 'Train a model in the background',
    description: trainDescription,
    body: modelTrainRequest, response: { 202: trainStartedResponse },
    handler: async ({ body, caller }, reply) => {
      const started = await start(body, caller);
      void reply.status(202);
      return started;
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/ml/train', scope: 'admin', tags: ['monitoring (MISSION §2)'],
    summary: 'Train a model in the background (defaults for everything but the type)',
    description: `${trainDescription} Options: POST /api/v1/ai/model/train.`,
    querystring: trainQuery, response: { 202: trainStartedResponse },
    handler: async ({ query, caller }, reply) => {
      const started = await start({ model_type: query.model_type }, caller);
      void reply.status(202);
      return started;
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/ai/model/predict/:ticker', scope: 'read', tags: ['TradingView and research (MISSION §5)'],
    summary: 'A registered model\'s prediction for the last closed bar of a symbol',
    description: 'Features of the default set over the session\'s candles (as at training), the model\'s P(close higher after its horizon), direction and confidence. Without `model_name`: the most recently registered logistic model. 404 when the model does not exist. Each prediction is logged once per model version, symbol and bar in ai_predictions (GET /api/ml/predictions/recent).',
    params: tickerParams, querystring: predictQuery, response: { 200: predictionResponse },
    handler: async ({ params, query }) => {
      const session = requireSession(ctx);
      const symbol = resolveSymbol(session, params.ticker, 'ticker');
      const storage = ctx.storage;
      if (!storage) throw unavailable('no database on this server: models live in the ml_models registry');
      let record: ModelRecord | undefined;
      if (query.model_name !== undefined) {
        record = await storage.models.get(query.model_name, query.model_version);
        if (!record) {
          const names = [...new Set((await storage.models.list()).map((m) => m.name))];
          throw notFound(`no model "${query.model_name}"${query.model_version !== undefined ? ` version ${query.model_version}` : ''} in the registry; registered: ${names.length > 0 ? names.slice(0, 20).join(', ') : 'none'} (train one with POST /api/v1/ai/model/train)`);
        }
      } else {
        record = (await storage.models.list()).filter((m) => m.kind === 'logistic').sort((a, b) => b.createdAt - a.createdAt)[0];
        if (!record) throw notFound('no trained logistic model in the registry; train one with POST /api/v1/ai/model/train');
      }
      if (record.kind !== 'logistic') throw badRequest(`model "${record.name}" is a ${record.kind} model; predictions are served for logistic models`, 'model_name');
      let model;
      try {
        model = readModelArtifact(record.artifactUri);
      } catch (error) {
        ctx.logger.error({ err: error, model: record.name, version: record.version }, 'model artefact unreadable');
        throw new HttpError(409, 'conflict', `the artefact of model "${record.name}" version ${record.version} cannot be read (${errorMessage(error).split(':')[0]}); retrain it`);
      }
      if (model.timeframe !== session.timeframe) {
        throw badRequest(`model "${record.name}" was trained on ${model.timeframe} bars; ${symbol} here has ${session.timeframe} bars`, 'model_name');
      }
      const table = session.candles(symbol)!.last(PREDICTION_BARS);
      if (table.length === 0) throw new HttpError(409, 'conflict', `no ${symbol} candles yet`);
      const all = defaultFeatureSet(session.timeframe).features;
      const missing = model.features.find((f) => !Object.hasOwn(all, f));
      if (missing !== undefined) throw new HttpError(409, 'conflict', `model "${record.name}" reads feature "${missing}", which the default feature set does not have`);
      const frame = generateFeatures(table, defineFeatureSet('model', Object.fromEntries(model.features.map((f) => [f, all[f]!]))));
      const last = table.length - 1;
      const x = frame.columns.map((col) => col[last]!);
      const p = predictProbability(model, x);
      if (!Number.isFinite(p)) {
        const warming = model.features.filter((_f, j) => !Number.isFinite(x[j]!));
        throw new HttpError(409, 'conflict', `the features are not available yet for ${symbol} (${table.length} bars; warming up: ${warming.join(', ')})`);
      }
      const tf = timeframeMs(session.timeframe);
      const featuresTime = table.time[last]!;
      const predictedAt = featuresTime + tf;
      const targetTime = predictedAt + model.horizonBars * tf;
      const features: Record<string, number> = Object.fromEntries(model.features.map((f, j) => [f, x[j]!]));
      const id = `${record.name}@${record.version}:${symbol}:${predictedAt}`;
      const confidence = Math.max(p, 1 - p);
      try {
        const logged = await storage.predictions.list({ modelName: record.name, symbol, from: predictedAt, to: predictedAt, limit: 50 });
        if (!logged.some((r) => r.id === id)) {
          await storage.predictions.record({
            id, modelName: record.name, modelVersion: record.version, symbol, timeframe: session.timeframe, predictedAt, targetTime, prediction: p, confidence, features,
          });
        }
      } catch (error) {
        ctx.logger.warn({ err: error, id }, 'could not log the prediction');
      }
      return {
        ticker: symbol, timeframe: session.timeframe, model_name: record.name, model_version: record.version, model_kind: record.kind, probability_up: p,
        direction: p > 0.5 ? 'up' as const : 'down' as const, confidence, horizon_bars: model.horizonBars, features_time: featuresTime, predicted_at: predictedAt,
        target_time: targetTime, features, prediction_id: id,
      };
    },
  });
}
