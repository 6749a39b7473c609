/** AI tables: decisions and votes, learned weights, predictions, TradingView signals, models, features. */
import type { Selectable } from 'kysely';
import type { Timeframe } from '../../core/time.js';
import type { Backend } from '../backend.js';
import { decodeJson, encodeJson } from '../codec.js';
import { StorageConstraintError } from '../errors.js';
import type {
  DecisionOutcome, DecisionQuery, DecisionRecord, DecisionStore, FeatureRow, FeatureStore, HeadVote, HeadWeight, JsonObject,
  JsonValue, LearningEvent, LearningStore, MarketRegimeRecord, MarketRegimeStore, ModelPerformanceRecord, ModelRecord,
  ModelRegistry, ModelStage, PredictionRecord, PredictionStore, SignalPerformanceRecord, SignalPerformanceStore,
  SignalPerformanceSummary, StrategyEvolutionStore, StrategyVersionRecord, TradingViewSignalRecord, TradingViewSignalStatus,
  TradingViewSignalStore,
} from '../port.js';
import type {
  AiDecisionsTable, AiDecisionVotesTable, AiPredictionsTable, MarketRegimesTable, MlModelsTable, SignalPerformanceTable,
  TradingviewSignalsTable,
} from '../schema.js';

const OUTCOMES: readonly DecisionOutcome[] = ['win', 'loss', 'pending'];
const STAGES: readonly ModelStage[] = ['research', 'paper', 'live'];
const TV_STATUSES: readonly TradingViewSignalStatus[] = ['received', 'executed', 'rejected', 'ignored'];
const DEFAULT_LIMIT = 100;

const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const jsonOrNull = (v: unknown): string | null => (v === undefined ? null : encodeJson(v));
const bool = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

/** Spreads `{ [key]: value }` only when value is not null, so optional fields stay absent. */
function opt<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

function unit(value: number, field: string, table: string, lo = 0, hi = 1): void {
  if (!(value >= lo && value <= hi)) throw new StorageConstraintError(`${field} must be in [${lo}, ${hi}], got ${value}`, table);
}

function oneOf<T extends string>(value: T, allowed: readonly T[], field: string, table: string): void {
  if (!allowed.includes(value)) throw new StorageConstraintError(`${field} must be one of ${allowed.join(', ')}, got ${String(value)}`, table);
}

// ───────────── decisions ─────────────

function voteOf(r: AiDecisionVotesTable): HeadVote {
  return {
    head: r.head, direction: r.direction, confidence: r.confidence, weight: r.weight, status: r.status as HeadVote['status'],
    ...opt('horizonMs', r.horizon_ms === null ? null : Number(r.horizon_ms)), ...opt('reason', r.reason),
    ...opt('inputs', r.inputs === null ? null : decodeJson<JsonObject>(r.inputs)), ...opt('error', r.error),
  };
}

function decisionOf(r: AiDecisionsTable, votes: HeadVote[]): DecisionRecord {
  return {
    id: r.id, symbol: r.symbol, strategy: r.strategy, action: r.action, confidence: r.confidence, outcome: r.outcome as DecisionOutcome,
    createdAt: Number(r.created_at), votes,
    ...opt('side', r.side as DecisionRecord['side'] | null), ...opt('direction', r.direction), ...opt('sizePercent', r.size_percent),
    ...opt('entryPrice', r.entry_price), ...opt('stopLoss', r.stop_loss), ...opt('takeProfit', r.take_profit),
    ...opt('consensusScore', r.consensus_score), ...opt('reasoning', r.reasoning), ...opt('marketAnalysis', r.market_analysis),
    ...opt('riskAssessment', r.risk_assessment), ...opt('modelUsed', r.model_used), ...opt('tokensUsed', r.tokens_used),
    ...opt('executedAt', r.executed_at === null ? null : Number(r.executed_at)), ...opt('orderId', r.order_id), ...opt('pnl', r.pnl),
  };
}

export class SqlDecisionStore implements DecisionStore {
  constructor(private readonly backend: Backend) {}

  async record(d: DecisionRecord): Promise<void> {
    const table = 'ai_decisions';
    unit(d.confidence, 'confidence', table);
    if (d.direction !== undefined) unit(d.direction, 'direction', table, -1, 1);
    oneOf(d.outcome, OUTCOMES, 'outcome', table);
    const heads = new Set<string>();
    for (const v of d.votes) {
      if (heads.has(v.head)) throw new StorageConstraintError(`decision ${d.id} has two votes from head ${v.head}`, 'ai_decision_votes');
      heads.add(v.head);
      unit(v.direction, `vote ${v.head}: direction`, 'ai_decision_votes', -1, 1);
      unit(v.confidence, `vote ${v.head}: confidence`, 'ai_decision_votes');
    }
    const row: AiDecisionsTable = {
      id: d.id, symbol: d.symbol, strategy: d.strategy, action: d.action, side: n(d.side), direction: n(d.direction),
      size_percent: n(d.sizePercent), entry_price: n(d.entryPrice), stop_loss: n(d.stopLoss), take_profit: n(d.takeProfit),
      confidence: d.confidence, consensus_score: n(d.consensusScore), reasoning: n(d.reasoning), market_analysis: n(d.marketAnalysis),
      risk_assessment: n(d.riskAssessment), model_used: n(d.modelUsed), tokens_used: n(d.tokensUsed), executed_at: n(d.executedAt),
      order_id: n(d.orderId), outcome: d.outcome, pnl: n(d.pnl), created_at: d.createdAt, vote_count: d.votes.length,
    };
    const votes: AiDecisionVotesTable[] = d.votes.map((v) => ({
      decision_id: d.id, head: v.head, direction: v.direction, confidence: v.confidence, weight: v.weight, horizon_ms: n(v.horizonMs),
      reason: n(v.reason), inputs: jsonOrNull(v.inputs), status: v.status, error: n(v.error),
    }));
    await this.backend.write(async (trx) => {
      const exists = await trx.selectFrom('ai_decisions').select('id').where('id', '=', d.id).executeTakeFirst();
      if (exists) throw new StorageConstraintError(`decision ${d.id} is already stored`, table);
      await trx.insertInto('ai_decisions').values(row).execute();
      if (votes.length > 0) await trx.insertInto('ai_decision_votes').values(votes).execute();
    });
  }

  private async withVotes(rows: AiDecisionsTable[]): Promise<DecisionRecord[]> {
    if (rows.length === 0) return [];
    const votes = new Map<string, HeadVote[]>();
    for (let i = 0; i < rows.length; i += 500) {
      const ids = rows.slice(i, i + 500).map((r) => r.id);
      const vs = await this.backend.db.selectFrom('ai_decision_votes').selectAll().where('decision_id', 'in', ids).orderBy('decision_id').orderBy('head').execute();
      for (const v of vs) {
        const list = votes.get(v.decision_id) ?? [];
        list.push(voteOf(v));
        votes.set(v.decision_id, list);
      }
    }
    return rows.map((r) => decisionOf(r, votes.get(r.id) ?? []));
  }

  async get(id: string): Promise<DecisionRecord | undefined> {
    const row = await this.backend.db.selectFrom('ai_decisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.withVotes([row]))[0] : undefined;
  }

  async list(query: DecisionQuery = {}): Promise<DecisionRecord[]> {
    let q = this.backend.db.selectFrom('ai_decisions').selectAll();
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.strategy !== undefined) q = q.where('strategy', '=', query.strategy);
    if (query.outcome !== undefined) q = q.where('outcome', '=', query.outcome);
    if (query.from !== undefined) q = q.where('created_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('created_at', '<', query.to);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? DEFAULT_LIMIT).execute();
    return this.withVotes(rows);
  }

  async markExecuted(id: string, executedAt: number, orderId?: string): Promise<void> {
    const r = await this.backend.db.updateTable('ai_decisions').set({ executed_at: executedAt, ...(orderId !== undefined && { order_id: orderId }) })
      .where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new StorageConstraintError(`no decision ${id}`, 'ai_decisions');
  }

  async setOutcome(id: string, outcome: DecisionOutcome, pnl: number): Promise<void> {
    oneOf(outcome, OUTCOMES, 'outcome', 'ai_decisions');
    const r = await this.backend.db.updateTable('ai_decisions').set({ outcome, pnl }).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new StorageConstraintError(`no decision ${id}`, 'ai_decisions');
  }
}

// ───────────── learning ─────────────

export class SqlLearningStore implements LearningStore {
  constructor(private readonly backend: Backend) {}

  async weights(scope: string): Promise<HeadWeight[]> {
    const rows = await this.backend.db.selectFrom('head_weights').selectAll().where('scope', '=', scope).orderBy('head').execute();
    return rows.map((r) => ({ head: r.head, weight: r.weight, samples: r.samples, updatedAt: Number(r.updated_at) }));
  }

  async saveWeights(scope: string, weights: readonly HeadWeight[], reason?: string): Promise<void> {
    for (const w of weights) {
      if (!(Number.isFinite(w.weight) && w.weight >= 0)) throw new StorageConstraintError(`weight of ${w.head} must be finite and non-negative, got ${w.weight}`, 'head_weights');
    }
    if (weights.length === 0) return;
    const time = Math.max(...weights.map((w) => w.updatedAt));
    await this.backend.write(async (trx) => {
      for (const w of weights) {
        await trx.insertInto('head_weights').values({ scope, head: w.head, weight: w.weight, samples: w.samples, updated_at: w.updatedAt })
          .onConflict((oc) => oc.columns(['scope', 'head']).doUpdateSet({ weight: w.weight, samples: w.samples, updated_at: w.updatedAt }))
          .execute();
      }
      const payload: JsonValue = { weights: Object.fromEntries(weights.map((w) => [w.head, w.weight])), ...(reason !== undefined && { reason }) };
      await trx.insertInto('learning_events').values({ time, kind: 'weights.updated', subject: scope, payload: encodeJson(payload) }).execute();
    });
  }

  async record(event: LearningEvent): Promise<number> {
    const row = await this.backend.db.insertInto('learning_events')
      .values({ time: event.time, kind: event.kind, subject: event.subject, payload: encodeJson(event.payload) })
      .returning('id').executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async events(query: { kind?: string; subject?: string; from?: number; limit?: number } = {}): Promise<LearningEvent[]> {
    let q = this.backend.db.selectFrom('learning_events').selectAll();
    if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
    if (query.subject !== undefined) q = q.where('subject', '=', query.subject);
    if (query.from !== undefined) q = q.where('time', '>=', query.from);
    q = q.orderBy('time').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map((r) => ({ id: Number(r.id), time: Number(r.time), kind: r.kind, subject: r.subject, payload: decodeJson(r.payload) }));
  }
}

// ───────────── predictions ─────────────

function predictionOf(r: AiPredictionsTable): PredictionRecord {
  return {
    id: r.id, modelName: r.model_name, modelVersion: r.model_version, symbol: r.symbol, predictedAt: Number(r.predicted_at),
    targetTime: Number(r.target_time), prediction: r.prediction, ...opt('timeframe', r.timeframe), ...opt('confidence', r.confidence),
    ...opt('features', r.features === null ? null : decodeJson<JsonObject>(r.features)), ...opt('actual', r.actual),
    ...opt('resolvedAt', r.resolved_at === null ? null : Number(r.resolved_at)), ...opt('correct', r.correct === null ? null : r.correct === 1),
  };
}

export class SqlPredictionStore implements PredictionStore {
  constructor(private readonly backend: Backend) {}

  async record(p: PredictionRecord): Promise<void> {
    if (!Number.isFinite(p.prediction)) throw new StorageConstraintError(`prediction ${p.id} must be a finite number, got ${p.prediction}`, 'ai_predictions');
    await this.backend.db.insertInto('ai_predictions').values({
      id: p.id, model_name: p.modelName, model_version: p.modelVersion, symbol: p.symbol, timeframe: n(p.timeframe), predicted_at: p.predictedAt,
      target_time: p.targetTime, prediction: p.prediction, confidence: n(p.confidence), features: jsonOrNull(p.features), actual: n(p.actual),
      resolved_at: n(p.resolvedAt), correct: bool(p.correct),
    }).execute();
  }

  async resolve(id: string, outcome: { actual: number; resolvedAt: number; correct?: boolean }): Promise<void> {
    const r = await this.backend.db.updateTable('ai_predictions')
      .set({ actual: outcome.actual, resolved_at: outcome.resolvedAt, correct: bool(outcome.correct) })
      .where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new StorageConstraintError(`no prediction ${id}`, 'ai_predictions');
  }

  async unresolved(before: number, modelName?: string): Promise<PredictionRecord[]> {
    let q = this.backend.db.selectFrom('ai_predictions').selectAll().where('resolved_at', 'is', null).where('target_time', '<', before);
    if (modelName !== undefined) q = q.where('model_name', '=', modelName);
    return (await q.orderBy('target_time').orderBy('id').execute()).map(predictionOf);
  }

  async list(query: { modelName?: string; symbol?: string; from?: number; to?: number; limit?: number } = {}): Promise<PredictionRecord[]> {
    let q = this.backend.db.selectFrom('ai_predictions').selectAll();
    if (query.modelName !== undefined) q = q.where('model_name', '=', query.modelName);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.from !== undefined) q = q.where('predicted_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('predicted_at', '<', query.to);
    q = q.orderBy('predicted_at').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(predictionOf);
  }
}

// ───────────── TradingView signals ─────────────

function signalOf(r: TradingviewSignalsTable): TradingViewSignalRecord {
  return {
    id: r.id, receivedAt: Number(r.received_at), ticker: r.ticker, action: r.action, payload: decodeJson(r.payload),
    status: r.status as TradingViewSignalStatus, ...opt('price', r.price), ...opt('strategy', r.strategy), ...opt('timeframe', r.timeframe),
    ...opt('indicators', r.indicators === null ? null : decodeJson<JsonObject>(r.indicators)), ...opt('confidence', r.confidence),
    ...opt('shouldExecute', r.should_execute === null ? null : r.should_execute === 1),
    ...opt('recommendedPositionSize', r.recommended_position_size), ...opt('reasoning', r.reasoning === null ? null : decodeJson(r.reasoning)),
    ...opt('decisionId', r.decision_id),
  };
}

export class SqlTradingViewSignalStore implements TradingViewSignalStore {
  constructor(private readonly backend: Backend) {}

  async record(s: TradingViewSignalRecord): Promise<void> {
    oneOf(s.status, TV_STATUSES, 'status', 'tradingview_signals');
    await this.backend.db.insertInto('tradingview_signals').values({
      id: s.id, received_at: s.receivedAt, ticker: s.ticker, action: s.action, price: n(s.price), strategy: n(s.strategy),
      timeframe: n(s.timeframe), indicators: jsonOrNull(s.indicators), payload: encodeJson(s.payload), confidence: n(s.confidence),
      should_execute: bool(s.shouldExecute), recommended_position_size: n(s.recommendedPositionSize), reasoning: jsonOrNull(s.reasoning),
      decision_id: n(s.decisionId), status: s.status,
    }).execute();
  }

  async get(id: string): Promise<TradingViewSignalRecord | undefined> {
    const row = await this.backend.db.selectFrom('tradingview_signals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? signalOf(row) : undefined;
  }

  async list(query: { ticker?: string; from?: number; limit?: number } = {}): Promise<TradingViewSignalRecord[]> {
    let q = this.backend.db.selectFrom('tradingview_signals').selectAll();
    if (query.ticker !== undefined) q = q.where('ticker', '=', query.ticker);
    if (query.from !== undefined) q = q.where('received_at', '>=', query.from);
    const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? DEFAULT_LIMIT).execute();
    return rows.map(signalOf);
  }

  async setStatus(id: string, status: TradingViewSignalStatus, decisionId?: string): Promise<void> {
    oneOf(status, TV_STATUSES, 'status', 'tradingview_signals');
    const r = await this.backend.db.updateTable('tradingview_signals').set({ status, ...(decisionId !== undefined && { decision_id: decisionId }) })
      .where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new StorageConstraintError(`no signal ${id}`, 'tradingview_signals');
  }
}

// ───────────── signal performance ─────────────

function performanceOf(r: Selectable<SignalPerformanceTable>): SignalPerformanceRecord {
  return {
    source: r.source, symbol: r.symbol, signalTime: Number(r.signal_time), direction: r.direction, confidence: r.confidence,
    horizonMs: Number(r.horizon_ms), entryPrice: r.entry_price, exitPrice: r.exit_price, realizedReturn: r.realized_return,
    correct: r.correct === 1, evaluatedAt: Number(r.evaluated_at), ...opt('signalId', r.signal_id),
  };
}

export class SqlSignalPerformanceStore implements SignalPerformanceStore {
  constructor(private readonly backend: Backend) {}

  async record(rows: readonly SignalPerformanceRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.backend.write(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        await trx.insertInto('signal_performance').values(rows.slice(i, i + 500).map((r) => ({
          source: r.source, signal_id: n(r.signalId), symbol: r.symbol, signal_time: r.signalTime, direction: r.direction,
          confidence: r.confidence, horizon_ms: r.horizonMs, entry_price: r.entryPrice, exit_price: r.exitPrice,
          realized_return: r.realizedReturn, correct: r.correct ? 1 : 0, evaluated_at: r.evaluatedAt,
        }))).execute();
      }
    });
  }

  async summary(query: { source?: string; since?: number } = {}): Promise<SignalPerformanceSummary[]> {
    let q = this.backend.db.selectFrom('signal_performance')
      .select((eb) => ['source', eb.fn.countAll<number>().as('signals'), eb.fn.sum<number>('correct').as('hits'), eb.fn.avg<number>('realized_return').as('mean_return')])
      .groupBy('source');
    if (query.source !== undefined) q = q.where('source', '=', query.source);
    if (query.since !== undefined) q = q.where('signal_time', '>=', query.since);
    const rows = await q.orderBy('source').execute();
    return rows.map((r) => {
      const signals = Number(r.signals);
      const hits = Number(r.hits);
      return { source: r.source, signals, hits, hitRate: signals === 0 ? 0 : hits / signals, meanReturn: Number(r.mean_return) };
    });
  }

  async list(query: { source?: string; symbol?: string; from?: number; limit?: number } = {}): Promise<SignalPerformanceRecord[]> {
    let q = this.backend.db.selectFrom('signal_performance').selectAll();
    if (query.source !== undefined) q = q.where('source', '=', query.source);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.from !== undefined) q = q.where('signal_time', '>=', query.from);
    q = q.orderBy('signal_time').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(performanceOf);
  }
}

// ───────────── market regimes ─────────────

function regimeOf(r: MarketRegimesTable): MarketRegimeRecord {
  return {
    symbol: r.symbol, timeframe: r.timeframe, time: Number(r.time), regime: r.regime, confidence: r.confidence,
    ...opt('features', r.features === null ? null : decodeJson<JsonObject>(r.features)),
  };
}

export class SqlMarketRegimeStore implements MarketRegimeStore {
  constructor(private readonly backend: Backend) {}

  async record(r: MarketRegimeRecord): Promise<void> {
    const row = { symbol: r.symbol, timeframe: r.timeframe, time: r.time, regime: r.regime, confidence: r.confidence, features: jsonOrNull(r.features) };
    await this.backend.db.insertInto('market_regimes').values(row)
      .onConflict((oc) => oc.columns(['symbol', 'timeframe', 'time']).doUpdateSet({ regime: row.regime, confidence: row.confidence, features: row.features }))
      .execute();
  }

  async current(symbol: string, timeframe: Timeframe, at?: number): Promise<MarketRegimeRecord | undefined> {
    let q = this.backend.db.selectFrom('market_regimes').selectAll().where('symbol', '=', symbol).where('timeframe', '=', timeframe);
    if (at !== undefined) q = q.where('time', '<=', at);
    const row = await q.orderBy('time', 'desc').limit(1).executeTakeFirst();
    return row ? regimeOf(row) : undefined;
  }

  async list(query: { symbol: string; timeframe: Timeframe; from?: number; to?: number }): Promise<MarketRegimeRecord[]> {
    let q = this.backend.db.selectFrom('market_regimes').selectAll().where('symbol', '=', query.symbol).where('timeframe', '=', query.timeframe);
    if (query.from !== undefined) q = q.where('time', '>=', query.from);
    if (query.to !== undefined) q = q.where('time', '<', query.to);
    return (await q.orderBy('time').execute()).map(regimeOf);
  }
}

// ───────────── model registry ─────────────

function modelOf(r: MlModelsTable): ModelRecord {
  return {
    name: r.name, version: r.version, kind: r.kind, parameters: decodeJson<JsonObject>(r.parameters), metrics: decodeJson<JsonObject>(r.metrics),
    artifactUri: r.artifact_uri, stage: r.stage as ModelStage, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
    ...opt('description', r.description),
  };
}

export class SqlModelRegistry implements ModelRegistry {
  constructor(private readonly backend: Backend) {}

  async register(m: ModelRecord): Promise<void> {
    oneOf(m.stage, STAGES, 'stage', 'ml_models');
    await this.backend.write(async (trx) => {
      const exists = await trx.selectFrom('ml_models').select('name').where('name', '=', m.name).where('version', '=', m.version).executeTakeFirst();
      if (exists) throw new StorageConstraintError(`model ${m.name} version ${m.version} is already registered; register a new version`, 'ml_models');
      await trx.insertInto('ml_models').values({
        name: m.name, version: m.version, kind: m.kind, parameters: encodeJson(m.parameters), metrics: encodeJson(m.metrics),
        artifact_uri: m.artifactUri, stage: m.stage, description: n(m.description), created_at: m.createdAt, updated_at: m.updatedAt ?? m.createdAt,
      }).execute();
    });
  }

  async get(name: string, version?: string, stage?: ModelStage): Promise<ModelRecord | undefined> {
    let q = this.backend.db.selectFrom('ml_models').selectAll().where('name', '=', name);
    if (version !== undefined) q = q.where('version', '=', version);
    if (stage !== undefined) q = q.where('stage', '=', stage);
    const row = await q.orderBy('created_at', 'desc').orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? modelOf(row) : undefined;
  }

  async list(query: { name?: string; stage?: ModelStage } = {}): Promise<ModelRecord[]> {
    let q = this.backend.db.selectFrom('ml_models').selectAll();
    if (query.name !== undefined) q = q.where('name', '=', query.name);
    if (query.stage !== undefined) q = q.where('stage', '=', query.stage);
    return (await q.orderBy('name').orderBy('created_at').execute()).map(modelOf);
  }

  async setStage(name: string, version: string, stage: ModelStage, time: number): Promise<void> {
    oneOf(stage, STAGES, 'stage', 'ml_models');
    const r = await this.backend.db.updateTable('ml_models').set({ stage, updated_at: time })
      .where('name', '=', name).where('version', '=', version).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new StorageConstraintError(`no model ${name} version ${version}`, 'ml_models');
  }

  async recordPerformance(p: ModelPerformanceRecord): Promise<void> {
    await this.backend.db.insertInto('model_performance').values({
      model_name: p.modelName, model_version: p.modelVersion, evaluated_at: p.evaluatedAt, split: p.split,
      period_start: n(p.periodStart), period_end: n(p.periodEnd), metrics: encodeJson(p.metrics),
    }).execute();
  }

  async performance(name: string, version?: string): Promise<ModelPerformanceRecord[]> {
    let q = this.backend.db.selectFrom('model_performance').selectAll().where('model_name', '=', name);
    if (version !== undefined) q = q.where('model_version', '=', version);
    const rows = await q.orderBy('evaluated_at').orderBy('id').execute();
    return rows.map((r) => ({
      modelName: r.model_name, modelVersion: r.model_version, evaluatedAt: Number(r.evaluated_at), split: r.split, metrics: decodeJson<JsonObject>(r.metrics),
      ...opt('periodStart', r.period_start === null ? null : Number(r.period_start)), ...opt('periodEnd', r.period_end === null ? null : Number(r.period_end)),
    }));
  }
}

// ───────────── feature store ─────────────

export class SqlFeatureStore implements FeatureStore {
  constructor(private readonly backend: Backend) {}

  async put(featureSet: string, symbol: string, timeframe: Timeframe, rows: readonly FeatureRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.backend.write(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        const values = rows.slice(i, i + 500).map((r) => ({ feature_set: featureSet, symbol, timeframe, time: r.time, values: encodeJson(r.values) }));
        await trx.insertInto('feature_store').values(values)
          .onConflict((oc) => oc.columns(['feature_set', 'symbol', 'timeframe', 'time']).doUpdateSet((eb) => ({ values: eb.ref('excluded.values') })))
          .execute();
      }
    });
  }

  async get(featureSet: string, symbol: string, timeframe: Timeframe, range: { from?: number; to?: number } = {}): Promise<FeatureRow[]> {
    let q = this.backend.db.selectFrom('feature_store').select(['time', 'values'])
      .where('feature_set', '=', featureSet).where('symbol', '=', symbol).where('timeframe', '=', timeframe);
    if (range.from !== undefined) q = q.where('time', '>=', range.from);
    if (range.to !== undefined) q = q.where('time', '<', range.to);
    return (await q.orderBy('time').execute()).map((r) => ({ time: Number(r.time), values: decodeJson<Record<string, number>>(r.values) }));
  }
}

// ───────────── strategy evolution ─────────────

export class SqlStrategyEvolutionStore implements StrategyEvolutionStore {
  constructor(private readonly backend: Backend) {}

  async record(v: StrategyVersionRecord): Promise<void> {
    await this.backend.write(async (trx) => {
      const exists = await trx.selectFrom('strategy_evolution').select('version').where('strategy', '=', v.strategy).where('version', '=', v.version).executeTakeFirst();
      if (exists) throw new StorageConstraintError(`strategy ${v.strategy} version ${v.version} is already stored`, 'strategy_evolution');
      await trx.insertInto('strategy_evolution').values({
        strategy: v.strategy, version: v.version, parent_version: n(v.parentVersion), parameters: encodeJson(v.parameters),
        metrics: jsonOrNull(v.metrics), reason: n(v.reason), created_at: v.createdAt,
      }).execute();
    });
  }

  async history(strategy: string): Promise<StrategyVersionRecord[]> {
    const rows = await this.backend.db.selectFrom('strategy_evolution').selectAll().where('strategy', '=', strategy).orderBy('version').execute();
    return rows.map((r) => ({
      strategy: r.strategy, version: r.version, parameters: decodeJson<JsonObject>(r.parameters), createdAt: Number(r.created_at),
      ...opt('parentVersion', r.parent_version), ...opt('metrics', r.metrics === null ? null : decodeJson<JsonObject>(r.metrics)), ...opt('reason', r.reason),
    }));
  }
}
