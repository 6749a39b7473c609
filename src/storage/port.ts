/**
 * The Storage port: what the rest of Arbiter may ask of a database. It is ours (ARCHITECTURE.md,
 * convention 1): no Kysely, better-sqlite3 or pg type crosses it, so SQLite and PostgreSQL are
 * interchangeable and a test can stand in for either.
 *
 * Times are UTC epoch milliseconds everywhere. Ranges are half-open: `[from, to)`.
 */
import type { Timeframe } from '../core/time.js';
import type { AccountView } from '../model/account.js';
import type { BarTable, OhlcvColumns } from '../model/bar.js';
import type { OrderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import type { Instrument } from '../model/instrument.js';
import type { AggressorSide } from '../model/market.js';
import type { OrderStatus, OrderView } from '../model/order.js';
import type { PositionView } from '../model/position.js';
import type { ClosedTrade } from '../model/trade.js';

export type StorageDialect = 'sqlite' | 'postgres';

/** JSON-compatible values (NaN and ±Infinity survive the round trip as well). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };
export type JsonObject = { readonly [key: string]: JsonValue | undefined };

// ───────────────────────────── market data ─────────────────────────────

/** Identifies one candle series. */
export interface CandleSeriesKey {
  readonly venue: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

/** A candle read: `venue` may be omitted when exactly one venue stores the symbol and timeframe. */
export interface CandleQuery {
  readonly venue?: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** First open time included (default: the first stored). */
  readonly from?: number;
  /** First open time excluded (default: after the last stored). */
  readonly to?: number;
}

/** What an upsert changed; `inserted + updated + unchanged` is the number of input rows. */
export interface UpsertCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface CandleUpsertOptions {
  /** Called after each batch with rows done and rows in total (for progress bars). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One stored series, as `arbiter data list --json` prints it. */
export interface CandleSeriesSummary extends CandleSeriesKey {
  /** Open time of the first candle. */
  readonly first: number;
  /** Open time of the last candle. */
  readonly last: number;
  readonly count: number;
  /** Places where consecutive candles are more than one timeframe apart (weekends count). */
  readonly gaps: number;
}

export interface CandleStore {
  /**
   * Inserts or replaces candles by open time. Every row is validated before anything is written
   * (integer times, finite prices, finite non-negative volume, no two rows with one time); the
   * rows are then committed in batches of about 65,000 candles, so that other writers are never
   * held up for long. An interrupted upsert can simply be run again.
   * @example await storage.candles.upsert({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, table)
   */
  upsert(series: CandleSeriesKey, bars: OhlcvColumns, options?: CandleUpsertOptions): Promise<UpsertCounts>;
  /**
   * Candles of one series in `[from, to)` as a columnar table, oldest first.
   * @example const table = await storage.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', from: Date.UTC(2024, 0, 1) })
   */
  read(query: CandleQuery): Promise<BarTable>;
  /** Every stored series with its extent, count and gaps. */
  list(): Promise<CandleSeriesSummary[]>;
  /** Deletes candles of a series in `[from, to)` (the whole series without a range); returns rows deleted. */
  delete(series: CandleSeriesKey, range?: { readonly from?: number; readonly to?: number }): Promise<number>;
}

export interface InstrumentStore {
  /** Inserts or replaces instruments by (venue, symbol). */
  upsert(instruments: readonly Instrument[]): Promise<void>;
  get(venue: string, symbol: string): Promise<Instrument | undefined>;
  list(venue?: string): Promise<Instrument[]>;
}

/** A raw market trade (tick) as stored; `venue` qualifies `TradeTick`. */
export interface StoredTradeTick {
  readonly venue: string;
  readonly symbol: string;
  readonly time: number;
  readonly price: number;
  readonly size: number;
  readonly aggressor: AggressorSide;
  readonly tradeId: string;
}

export interface TickStore {
  /** Inserts ticks; a tick already stored (same venue, symbol and trade id) is skipped. Returns rows inserted. */
  insert(ticks: readonly StoredTradeTick[]): Promise<number>;
  read(query: { readonly venue: string; readonly symbol: string; readonly from?: number; readonly to?: number; readonly limit?: number }): Promise<StoredTradeTick[]>;
  /** Deletes ticks with `time < before`; returns rows deleted. The retention job calls it. */
  deleteBefore(before: number): Promise<number>;
}

// ───────────────────────────── trading ─────────────────────────────

/** An order as the journal knows it: the view plus the venue's id once accepted. */
export interface JournaledOrder extends OrderView {
  readonly venueOrderId?: string;
}

/** One stored journal entry: the event and its global sequence number. */
export interface JournalEntry {
  /** Position in the journal; strictly increasing in commit order within one writer. */
  readonly seq: number;
  /** Wall-clock time the event was stored. */
  readonly recordedAt: number;
  readonly event: OrderEvent;
}

export interface AppendResult {
  /** Events newly stored. */
  readonly appended: number;
  /** Events already in the journal with the same content (a retry); skipped. */
  readonly duplicates: number;
}

/** The state replaying the journal yields. */
export interface JournalState {
  /** Every order by id, in order of creation. */
  readonly orders: ReadonlyMap<string, JournaledOrder>;
  /** Every fill, in journal order. */
  readonly fills: readonly Fill[];
  readonly events: number;
  /** Sequence number of the last event replayed (0 when empty). */
  readonly lastSeq: number;
}

export interface JournalCheck {
  readonly ok: boolean;
  readonly orders: number;
  readonly events: number;
  /** One line per inconsistency between the journal, the order table and the fill table. */
  readonly problems: readonly string[];
}

export interface OrderQuery {
  readonly symbol?: string;
  /** One status, a list, or `open` for every status that can still fill. */
  readonly status?: OrderStatus | readonly OrderStatus[] | 'open';
  readonly limit?: number;
}

export interface FillQuery {
  readonly orderId?: string;
  readonly symbol?: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
}

/**
 * The order journal: every order event, appended as it happens, never changed. The current state
 * of every order is the replay of its events; a projection kept in the same transaction makes
 * `get` and `list` cheap, and `verify` proves it equals the replay.
 */
export interface OrderJournal {
  /**
   * Appends one event durably. Appending the same event again is a no-op (counted as duplicate);
   * an event that does not follow from the order's state (unknown order, illegal transition,
   * a different event under the same identity) throws `JournalError` and stores nothing.
   * From a bus handler use `JournalWriter`, which keeps appends in publication order.
   * @example await storage.orders.append(orderEvent('order.submitted', order, now, {}))
   */
  append(event: OrderEvent): Promise<AppendResult>;
  /** Appends events in one transaction: all of them land or none. */
  appendBatch(events: readonly OrderEvent[]): Promise<AppendResult>;
  /** Rebuilds every order and fill from the events alone. */
  replay(options?: { readonly untilSeq?: number }): Promise<JournalState>;
  /** Journal entries in sequence order. */
  events(query?: { readonly orderId?: string; readonly afterSeq?: number; readonly limit?: number }): Promise<JournalEntry[]>;
  get(orderId: string): Promise<JournaledOrder | undefined>;
  list(query?: OrderQuery): Promise<JournaledOrder[]>;
  fills(query?: FillQuery): Promise<Fill[]>;
  /** Replays the journal and compares it with the order and fill tables. */
  verify(): Promise<JournalCheck>;
}

export interface SnapshotStore {
  /** Stores the positions of an account at a time (one row per position). */
  savePositions(account: string, time: number, positions: readonly PositionView[]): Promise<void>;
  saveAccount(account: string, time: number, view: AccountView): Promise<void>;
  /** The most recent position snapshot of an account. */
  latestPositions(account: string): Promise<{ readonly time: number; readonly positions: PositionView[] } | undefined>;
  latestAccount(account: string): Promise<{ readonly time: number; readonly account: AccountView } | undefined>;
  /** Account snapshots in `[from, to)`, oldest first (an equity curve). */
  accountHistory(account: string, range?: { readonly from?: number; readonly to?: number; readonly limit?: number }): Promise<Array<{ readonly time: number; readonly account: AccountView }>>;
}

// ───────────────────────────── AI ─────────────────────────────

export type DecisionOutcome = 'win' | 'loss' | 'pending';

/** One head's vote in a decision. */
export interface HeadVote {
  readonly head: string;
  /** −1 (short) … 1 (long); 0 is flat. */
  readonly direction: number;
  /** 0 … 1. */
  readonly confidence: number;
  /** The head's weight in the consensus when it voted. */
  readonly weight: number;
  readonly horizonMs?: number;
  readonly reason?: string;
  /** The inputs the head used (feature name → value, or anything JSON). */
  readonly inputs?: JsonObject;
  /** `faulted` heads threw or timed out and were excluded; `abstained` returned nothing. */
  readonly status: 'ok' | 'abstained' | 'faulted';
  readonly error?: string;
}

/** A row of `ai_decisions` (MISSION.md §3) with the consensus fields and the votes. */
export interface DecisionRecord {
  readonly id: string;
  readonly symbol: string;
  readonly strategy: string;
  /** e.g. `buy`, `sell`, `hold`, `close`. */
  readonly action: string;
  readonly side?: 'buy' | 'sell';
  /** −1 … 1 consensus direction. */
  readonly direction?: number;
  readonly sizePercent?: number;
  readonly entryPrice?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly confidence: number;
  readonly consensusScore?: number;
  readonly reasoning?: string;
  readonly marketAnalysis?: string;
  readonly riskAssessment?: string;
  readonly modelUsed?: string;
  readonly tokensUsed?: number;
  readonly executedAt?: number;
  /** The order that executed it, if any. */
  readonly orderId?: string;
  readonly outcome: DecisionOutcome;
  readonly pnl?: number;
  readonly createdAt: number;
  readonly votes: readonly HeadVote[];
}

export interface DecisionQuery {
  readonly symbol?: string;
  readonly strategy?: string;
  readonly outcome?: DecisionOutcome;
  readonly from?: number;
  readonly to?: number;
  /** Newest first when given; default 100. */
  readonly limit?: number;
}

export interface DecisionStore {
  /**
   * Stores a decision and all its votes in one transaction.
   * @example await storage.decisions.record({ id: 'D-1', symbol: 'BTC/USDT', strategy: 'ensemble', action: 'buy', confidence: 0.8, outcome: 'pending', createdAt: now, votes })
   */
  record(decision: DecisionRecord): Promise<void>;
  /** The decision with its votes (ordered by head name). */
  get(id: string): Promise<DecisionRecord | undefined>;
  /** Newest first. */
  list(query?: DecisionQuery): Promise<DecisionRecord[]>;
  markExecuted(id: string, executedAt: number, orderId?: string): Promise<void>;
  /** Fills in the realised outcome once the position is closed. */
  setOutcome(id: string, outcome: DecisionOutcome, pnl: number): Promise<void>;
}

export interface HeadWeight {
  readonly head: string;
  readonly weight: number;
  /** Outcomes the weight has learned from. */
  readonly samples: number;
  readonly updatedAt: number;
}

export interface LearningEvent {
  readonly id?: number;
  readonly time: number;
  /** e.g. `weights.updated`, `calibration.fitted`, `model.retrained`. */
  readonly kind: string;
  /** What learned: a consensus scope, a head, a model. */
  readonly subject: string;
  readonly payload: JsonValue;
}

export interface LearningStore {
  /** Learned consensus weights of a scope (e.g. a strategy), by head. */
  weights(scope: string): Promise<HeadWeight[]>;
  /** Replaces the weights of the given heads and records a `weights.updated` learning event, atomically. */
  saveWeights(scope: string, weights: readonly HeadWeight[], reason?: string): Promise<void>;
  record(event: LearningEvent): Promise<number>;
  events(query?: { readonly kind?: string; readonly subject?: string; readonly from?: number; readonly limit?: number }): Promise<LearningEvent[]>;
}

export interface PredictionRecord {
  readonly id: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly symbol: string;
  readonly timeframe?: Timeframe;
  readonly predictedAt: number;
  /** When the prediction can be scored. */
  readonly targetTime: number;
  /** The predicted value (a return, a class, a probability). */
  readonly prediction: number;
  readonly confidence?: number;
  readonly features?: JsonObject;
  /** The realised value, filled in later. */
  readonly actual?: number;
  readonly resolvedAt?: number;
  readonly correct?: boolean;
}

export interface PredictionStore {
  record(prediction: PredictionRecord): Promise<void>;
  /** Fills in the realised value of a prediction. */
  resolve(id: string, outcome: { readonly actual: number; readonly resolvedAt: number; readonly correct?: boolean }): Promise<void>;
  /** Predictions whose target time is before `before` and that have no outcome yet. */
  unresolved(before: number, modelName?: string): Promise<PredictionRecord[]>;
  list(query?: { readonly modelName?: string; readonly symbol?: string; readonly from?: number; readonly to?: number; readonly limit?: number }): Promise<PredictionRecord[]>;
}

export type TradingViewSignalStatus = 'received' | 'executed' | 'rejected' | 'ignored';

/** A TradingView alert as received, with what Arbiter made of it. */
export interface TradingViewSignalRecord {
  readonly id: string;
  readonly receivedAt: number;
  readonly ticker: string;
  readonly action: string;
  readonly price?: number;
  readonly strategy?: string;
  readonly timeframe?: string;
  readonly indicators?: JsonObject;
  /** The alert body as received. */
  readonly payload: JsonValue;
  readonly confidence?: number;
  readonly shouldExecute?: boolean;
  readonly recommendedPositionSize?: number;
  readonly reasoning?: JsonValue;
  readonly decisionId?: string;
  readonly status: TradingViewSignalStatus;
}

export interface TradingViewSignalStore {
  record(signal: TradingViewSignalRecord): Promise<void>;
  get(id: string): Promise<TradingViewSignalRecord | undefined>;
  /** Newest first. */
  list(query?: { readonly ticker?: string; readonly from?: number; readonly limit?: number }): Promise<TradingViewSignalRecord[]>;
  setStatus(id: string, status: TradingViewSignalStatus, decisionId?: string): Promise<void>;
}

/** A signal scored against what the market did. */
export interface SignalPerformanceRecord {
  /** The head or external source that gave the signal. */
  readonly source: string;
  readonly signalId?: string;
  readonly symbol: string;
  readonly signalTime: number;
  readonly direction: number;
  readonly confidence: number;
  readonly horizonMs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Realised return in the signal's direction. */
  readonly realizedReturn: number;
  readonly correct: boolean;
  readonly evaluatedAt: number;
}

export interface SignalPerformanceSummary {
  readonly source: string;
  readonly signals: number;
  readonly hits: number;
  readonly hitRate: number;
  readonly meanReturn: number;
}

export interface SignalPerformanceStore {
  record(rows: readonly SignalPerformanceRecord[]): Promise<void>;
  /** Per-source hit rate and mean return of signals given at or after `since`. */
  summary(query?: { readonly source?: string; readonly since?: number }): Promise<SignalPerformanceSummary[]>;
  list(query?: { readonly source?: string; readonly symbol?: string; readonly from?: number; readonly limit?: number }): Promise<SignalPerformanceRecord[]>;
}

export interface MarketRegimeRecord {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly time: number;
  /** e.g. `trending-up`, `ranging`, `high-volatility`. */
  readonly regime: string;
  readonly confidence: number;
  readonly features?: JsonObject;
}

export interface MarketRegimeStore {
  record(regime: MarketRegimeRecord): Promise<void>;
  /** The regime in force at `at` (default: the latest). */
  current(symbol: string, timeframe: Timeframe, at?: number): Promise<MarketRegimeRecord | undefined>;
  list(query: { readonly symbol: string; readonly timeframe: Timeframe; readonly from?: number; readonly to?: number }): Promise<MarketRegimeRecord[]>;
}

export type ModelStage = 'research' | 'paper' | 'live';

/** A model in the registry. */
export interface ModelRecord {
  readonly name: string;
  readonly version: string;
  /** e.g. `gbdt`, `logistic`, `ppo`, `llm`. */
  readonly kind: string;
  readonly parameters: JsonObject;
  readonly metrics: JsonObject;
  /** Where the artefact lives: a path or URL. */
  readonly artifactUri: string;
  readonly stage: ModelStage;
  readonly description?: string;
  readonly createdAt: number;
  readonly updatedAt?: number;
}

export interface ModelPerformanceRecord {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly evaluatedAt: number;
  /** e.g. `train`, `validation`, `test`, `paper`, `live`. */
  readonly split: string;
  readonly periodStart?: number;
  readonly periodEnd?: number;
  readonly metrics: JsonObject;
}

export interface ModelRegistry {
  /** Registers a new model version; registering an existing (name, version) throws. */
  register(model: ModelRecord): Promise<void>;
  /** A version, or the most recently registered one (optionally at a stage). */
  get(name: string, version?: string, stage?: ModelStage): Promise<ModelRecord | undefined>;
  list(query?: { readonly name?: string; readonly stage?: ModelStage }): Promise<ModelRecord[]>;
  setStage(name: string, version: string, stage: ModelStage, time: number): Promise<void>;
  recordPerformance(row: ModelPerformanceRecord): Promise<void>;
  performance(name: string, version?: string): Promise<ModelPerformanceRecord[]>;
}

export interface FeatureRow {
  readonly time: number;
  readonly values: { readonly [feature: string]: number };
}

export interface FeatureStore {
  /** Inserts or replaces feature rows of a feature set, symbol and timeframe by time. */
  put(featureSet: string, symbol: string, timeframe: Timeframe, rows: readonly FeatureRow[]): Promise<void>;
  get(featureSet: string, symbol: string, timeframe: Timeframe, range?: { readonly from?: number; readonly to?: number }): Promise<FeatureRow[]>;
}

export interface StrategyVersionRecord {
  readonly strategy: string;
  readonly version: number;
  readonly parentVersion?: number;
  readonly parameters: JsonObject;
  readonly metrics?: JsonObject;
  readonly reason?: string;
  readonly createdAt: number;
}

export interface StrategyEvolutionStore {
  record(version: StrategyVersionRecord): Promise<void>;
  /** Versions of a strategy, oldest first. */
  history(strategy: string): Promise<StrategyVersionRecord[]>;
}

// ───────────────────────────── research ─────────────────────────────

export interface BacktestRunRecord {
  readonly id: string;
  readonly strategy: string;
  readonly createdAt: number;
  readonly config: JsonValue;
  readonly metrics: JsonObject;
  readonly periodStart?: number;
  readonly periodEnd?: number;
  readonly note?: string;
  readonly trades: readonly ClosedTrade[];
}

export type BacktestRunSummary = Omit<BacktestRunRecord, 'trades'> & { readonly tradeCount: number };

export interface BacktestStore {
  /** Stores a run with its trades in one transaction. */
  save(run: BacktestRunRecord): Promise<void>;
  get(id: string): Promise<BacktestRunRecord | undefined>;
  /** Newest first, without trades. */
  list(query?: { readonly strategy?: string; readonly limit?: number }): Promise<BacktestRunSummary[]>;
}

// ───────────────────────────── security ─────────────────────────────

export interface AuditEntryInput {
  readonly time: number;
  /** Who: a user, an API key id, or a component (`risk-engine`). */
  readonly actor: string;
  /** What: `config.changed`, `order.submitted`, `trading-state.changed`, … */
  readonly action: string;
  readonly subject?: string;
  readonly details?: JsonValue;
}

export interface AuditEntry extends AuditEntryInput {
  readonly seq: number;
  /** SHA-256 over the previous entry's hash and this entry: editing any row breaks the chain. */
  readonly hash: string;
}

export interface AuditLog {
  /** Appends an entry; the log refuses updates and deletes. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  list(query?: { readonly actor?: string; readonly action?: string; readonly from?: number; readonly afterSeq?: number; readonly limit?: number }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain; `firstBadSeq` is the first entry that does not match. */
  verify(): Promise<{ readonly ok: boolean; readonly entries: number; readonly firstBadSeq?: number }>;
}

// ───────────────────────────── the port ─────────────────────────────

export interface RetentionPolicy {
  /** Raw ticks older than this many days are deleted. */
  readonly tickDays: number;
}

export interface RetentionReport {
  readonly ticksDeleted: number;
  readonly cutoff: number;
}

/**
 * One database, every table Arbiter keeps.
 * @example
 *   const storage = await openStorage();          // DATABASE_URL or sqlite:./data/arbiter.db
 *   await storage.orders.append(event);
 *   await storage.close();
 */
export interface Storage {
  readonly dialect: StorageDialect;
  /** The database URL with the password redacted. */
  readonly url: string;
  readonly instruments: InstrumentStore;
  readonly candles: CandleStore;
  readonly ticks: TickStore;
  readonly orders: OrderJournal;
  readonly snapshots: SnapshotStore;
  readonly decisions: DecisionStore;
  readonly learning: LearningStore;
  readonly predictions: PredictionStore;
  readonly tradingView: TradingViewSignalStore;
  readonly signalPerformance: SignalPerformanceStore;
  readonly regimes: MarketRegimeStore;
  readonly models: ModelRegistry;
  readonly features: FeatureStore;
  readonly strategyEvolution: StrategyEvolutionStore;
  readonly backtests: BacktestStore;
  readonly audit: AuditLog;
  /** Schema version of the open database. */
  schemaVersion(): Promise<number>;
  /** Deletes what the policy says is too old; the retention job calls it periodically. */
  applyRetention(policy: RetentionPolicy, now: number): Promise<RetentionReport>;
  close(): Promise<void>;
}
