/**
 * Table row types as Kysely sees them (internal to src/storage). Times are epoch-ms integers,
 * money and quantities double precision, JSON is text (exact round trip on both databases,
 * NaN included), booleans are 0/1 integers (SQLite has no boolean type).
 */
import type { ColumnType, Generated } from 'kysely';

/** An auto-increment key: absent on insert, a number on select. */
type Serial = Generated<number>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface MigrationsTable { version: number; name: string; applied_at: number }

export interface InstrumentsTable {
  venue: string; symbol: string; asset_class: string; base: string; quote: string;
  tick_size: number; lot_size: number; min_quantity: number; min_notional: number;
  maker_fee: number; taker_fee: number; multiplier: number; max_leverage: number; updated_at: number;
}

export interface CandleSeriesTable { id: Serial; venue: string; symbol: string; timeframe: string }

/** Candles of one series in one time window, as six little-endian float64 columns (see codec.ts). */
export interface CandleChunksTable {
  series_id: number; chunk_start: number; rows: number; first_time: number; last_time: number;
  /** Gaps between consecutive candles inside the chunk. */
  gaps: number;
  data: Bytes;
}

export interface MarketTradesTable {
  venue: string; symbol: string; trade_id: string; time: number; price: number; size: number; aggressor: string;
}

export interface OrderEventsTable {
  seq: Serial; order_id: string; event_key: string; kind: string; status: string; symbol: string;
  client_order_id: string; time: number; recorded_at: number; payload: string;
}

export interface OrdersTable {
  id: string; client_order_id: string; symbol: string; side: string; type: string; status: string;
  quantity: number | null; filled_quantity: number; avg_fill_price: number | null; fees: number;
  created_at: number; updated_at: number; last_seq: number; venue_order_id: string | null;
  owner: string | null; tag: string | null; view: string;
}

export interface FillsTable {
  order_id: string; trade_id: string; seq: number; client_order_id: string; symbol: string; side: string;
  quantity: number; price: number; fee: number; liquidity: string; time: number; tag: string | null; owner: string | null;
}

export interface PositionSnapshotsTable {
  id: Serial; account: string; time: number; symbol: string; side: string; quantity: number;
  avg_price: number | null; realized_pnl: number; fees: number; funding: number; opened_at: number | null;
  multiplier: number; mark_price: number | null; unrealized_pnl: number;
}

export interface AccountSnapshotsTable {
  id: Serial; account: string; time: number; type: string; currency: string; leverage: number;
  balance: number; unrealized_pnl: number; equity: number; margin_used: number; free_margin: number;
  buying_power: number; gross_leverage: number; fees_paid: number; funding_paid: number;
}

export interface AiDecisionsTable {
  id: string; symbol: string; strategy: string; action: string; side: string | null; direction: number | null;
  size_percent: number | null; entry_price: number | null; stop_loss: number | null; take_profit: number | null;
  confidence: number; consensus_score: number | null; reasoning: string | null; market_analysis: string | null;
  risk_assessment: string | null; model_used: string | null; tokens_used: number | null; executed_at: number | null;
  order_id: string | null; outcome: string; pnl: number | null; created_at: number;
  /** Number of votes written with the decision: a reader can tell a complete decision at a glance. */
  vote_count: number;
}

export interface AiDecisionVotesTable {
  decision_id: string; head: string; direction: number; confidence: number; weight: number;
  horizon_ms: number | null; reason: string | null; inputs: string | null; status: string; error: string | null;
}

export interface HeadWeightsTable { scope: string; head: string; weight: number; samples: number; updated_at: number }

export interface LearningEventsTable { id: Serial; time: number; kind: string; subject: string; payload: string }

export interface AiPredictionsTable {
  id: string; model_name: string; model_version: string; symbol: string; timeframe: string | null;
  predicted_at: number; target_time: number; prediction: number; confidence: number | null; features: string | null;
  actual: number | null; resolved_at: number | null; correct: number | null;
}

export interface TradingviewSignalsTable {
  id: string; received_at: number; ticker: string; action: string; price: number | null; strategy: string | null;
  timeframe: string | null; indicators: string | null; payload: string; confidence: number | null;
  should_execute: number | null; recommended_position_size: number | null; reasoning: string | null;
  decision_id: string | null; status: string;
}

export interface SignalPerformanceTable {
  id: Serial; source: string; signal_id: string | null; symbol: string; signal_time: number; direction: number;
  confidence: number; horizon_ms: number; entry_price: number; exit_price: number; realized_return: number;
  correct: number; evaluated_at: number;
}

export interface MarketRegimesTable {
  symbol: string; timeframe: string; time: number; regime: string; confidence: number; features: string | null;
}

export interface MlModelsTable {
  name: string; version: string; kind: string; parameters: string; metrics: string; artifact_uri: string;
  stage: string; description: string | null; created_at: number; updated_at: number;
}

export interface ModelPerformanceTable {
  id: Serial; model_name: string; model_version: string; evaluated_at: number; split: string;
  period_start: number | null; period_end: number | null; metrics: string;
}

export interface FeatureStoreTable { feature_set: string; symbol: string; timeframe: string; time: number; values: string }

export interface StrategyEvolutionTable {
  strategy: string; version: number; parent_version: number | null; parameters: string; metrics: string | null;
  reason: string | null; created_at: number;
}

export interface BacktestRunsTable {
  id: string; strategy: string; created_at: number; config: string; metrics: string;
  period_start: number | null; period_end: number | null; note: string | null; trade_count: number;
}

export interface BacktestTradesTable {
  run_id: string; seq: number; trade_id: string; symbol: string; side: string; entry_time: number; entry_price: number;
  exit_time: number; exit_price: number; quantity: number; pnl: number; gross_pnl: number; fees: number; carry: number;
  return_pct: number; exit_reason: string; entry_tag: string | null; bars: number;
}

export interface AuditLogTable {
  seq: Serial; time: number; actor: string; action: string; subject: string | null; details: string | null;
  prev_hash: string; hash: string;
}

export interface Schema {
  arbiter_migrations: MigrationsTable;
  instruments: InstrumentsTable;
  candle_series: CandleSeriesTable;
  candle_chunks: CandleChunksTable;
  market_trades: MarketTradesTable;
  order_events: OrderEventsTable;
  orders: OrdersTable;
  fills: FillsTable;
  position_snapshots: PositionSnapshotsTable;
  account_snapshots: AccountSnapshotsTable;
  ai_decisions: AiDecisionsTable;
  ai_decision_votes: AiDecisionVotesTable;
  head_weights: HeadWeightsTable;
  learning_events: LearningEventsTable;
  ai_predictions: AiPredictionsTable;
  tradingview_signals: TradingviewSignalsTable;
  signal_performance: SignalPerformanceTable;
  market_regimes: MarketRegimesTable;
  ml_models: MlModelsTable;
  model_performance: ModelPerformanceTable;
  feature_store: FeatureStoreTable;
  strategy_evolution: StrategyEvolutionTable;
  backtest_runs: BacktestRunsTable;
  backtest_trades: BacktestTradesTable;
  audit_log: AuditLogTable;
}

/** Every table the current schema must have (checked after migrating). */
export const schemaTables: ReadonlyArray<keyof Schema> = [
  'arbiter_migrations', 'instruments', 'candle_series', 'candle_chunks', 'market_trades', 'order_events', 'orders',
  'fills', 'position_snapshots', 'account_snapshots', 'ai_decisions', 'ai_decision_votes', 'head_weights',
  'learning_events', 'ai_predictions', 'tradingview_signals', 'signal_performance', 'market_regimes', 'ml_models',
  'model_performance', 'feature_store', 'strategy_evolution', 'backtest_runs', 'backtest_trades', 'audit_log',
];
