/**
 * The API's response shapes as docs/api.md documents them (snake_case, UTC epoch ms, `null` for
 * numbers that are not available). Only the fields the dashboard reads are listed; the server's
 * zod schemas in src/api/schemas/ are the source of truth.
 */

export type Nullable<T> = T | null;

export interface SymbolInfo {
  symbol: string;
  timeframe: string;
  venue?: string;
  base?: string;
  quote?: string;
  first?: Nullable<number>;
  last?: Nullable<number>;
  count?: number;
  last_price?: Nullable<number>;
}

export interface CandleDto {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface IndicatorParam {
  name: string;
  type: string;
  default?: unknown;
  min?: Nullable<number>;
  max?: Nullable<number>;
  choices?: Nullable<string[]>;
}

export interface IndicatorInfo {
  name: string;
  group?: string;
  description?: string;
  input?: string;
  lines?: string[];
  params?: IndicatorParam[];
}

export interface IndicatorResult {
  name: string;
  params?: Record<string, unknown>;
  warmup?: number;
  lines: Record<string, Array<Nullable<number>>>;
}

export interface ChartOhlcv {
  ticker: string;
  timeframe: string;
  source?: string;
  candles: CandleDto[];
  indicators?: Record<string, IndicatorResult>;
}

export interface Account {
  mode: string;
  currency?: string;
  starting_balance: number;
  balance: number;
  equity: number;
  realized_pnl: number;
  unrealized_pnl: number;
  total_pnl: number;
  return_pct: Nullable<number>;
  open_positions: number;
  closed_trades: number;
  time: Nullable<number>;
}

export interface Position {
  symbol: string;
  side: string;
  quantity: number;
  avg_price: Nullable<number>;
  mark_price: Nullable<number>;
  unrealized_pnl: Nullable<number>;
  realized_pnl: Nullable<number>;
  fees?: Nullable<number>;
  opened_at?: Nullable<number>;
}

export interface Order {
  id: string;
  client_order_id: string;
  symbol: string;
  side: string;
  type: string;
  status: string;
  quantity: Nullable<number>;
  price: Nullable<number>;
  trigger_price: Nullable<number>;
  filled_quantity: number;
  avg_fill_price: Nullable<number>;
  fees: number;
  tag: Nullable<string>;
  owner?: Nullable<string>;
  reason: Nullable<string>;
  created_at: number;
  updated_at: number;
}

export interface Fill {
  trade_id: string;
  order_id: string;
  symbol: string;
  side: string;
  quantity: number;
  price: number;
  fee: number;
  liquidity?: Nullable<string>;
  tag?: Nullable<string>;
  time: number;
}

export interface ClosedTrade {
  id: string;
  symbol: string;
  side: string;
  entry_time: number;
  entry_price: number;
  exit_time: number;
  exit_price: number;
  quantity: number;
  pnl: number;
  fees: number;
  return_pct: Nullable<number>;
  exit_reason: Nullable<string>;
}

export interface EquityPoint {
  time: number;
  equity: number;
  drawdown: Nullable<number>;
}

export interface EquityResponse {
  points: EquityPoint[];
  max_drawdown: Nullable<number>;
  starting_balance: Nullable<number>;
}

export interface Vote {
  head: string;
  direction: number;
  confidence: number;
  weight: number;
  horizon_ms?: Nullable<number>;
  reason?: Nullable<string>;
  status: string;
  error?: Nullable<string>;
  inputs?: Nullable<Record<string, unknown>>;
}

export interface Decision {
  id: string;
  symbol: string;
  strategy: string;
  action: string;
  side: Nullable<string>;
  direction: Nullable<number>;
  confidence: number;
  consensus_score: Nullable<number>;
  size_percent: Nullable<number>;
  entry_price: Nullable<number>;
  stop_loss: Nullable<number>;
  take_profit: Nullable<number>;
  reasoning: Nullable<string>;
  market_analysis: Nullable<string>;
  risk_assessment: Nullable<string>;
  model_used: Nullable<string>;
  outcome: string;
  pnl: Nullable<number>;
  order_id: Nullable<string>;
  executed_at: Nullable<number>;
  created_at: number;
  votes: Vote[];
}

export interface Head {
  name: string;
  kind?: string;
  state: string;
  weight: Nullable<number>;
  signals?: number;
  errors?: number;
  last_signal_at?: Nullable<number>;
}

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface Breaker {
  name: string;
  status: 'disabled' | 'armed' | 'tripped';
  action: Nullable<string>;
  value: Nullable<number>;
  threshold: Nullable<number>;
  unit: string;
  tripped_at: Nullable<number>;
  resets_at: Nullable<number>;
  reason: Nullable<string>;
  details?: Nullable<Record<string, unknown>>;
}

export interface RiskHold {
  source: string;
  state: TradingState;
  reason: string;
  since: number;
}

export interface RiskStateChange {
  from: TradingState;
  to: TradingState;
  actor: string;
  reason: string;
  time: number;
}

export interface Denial {
  time: number;
  symbol: string;
  check: string;
  reason: string;
  client_order_id?: Nullable<string>;
}

/** Config documents keep the configuration file's camelCase keys (docs/risk.md). */
export interface RiskConfig {
  limits: Record<string, unknown>;
  breakers: Record<string, Nullable<Record<string, unknown>>>;
  recentDenials?: number;
}

export interface RiskSnapshot {
  time: number;
  state: TradingState;
  manual_state: TradingState;
  holds: RiskHold[];
  last_change: Nullable<RiskStateChange>;
  breakers: Breaker[];
  limits: Record<string, unknown>;
  config: RiskConfig;
  recent_denials: Denial[];
  denial_counts: Record<string, number>;
  audit_failures: number;
}

export interface TradingStateResponse {
  requested: TradingState;
  effective: TradingState;
  held_by: string[];
  canceled_orders?: number | string[];
  risk: RiskSnapshot;
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';

export interface BacktestSummary {
  final_equity: Nullable<number>;
  total_return: Nullable<number>;
  sharpe: Nullable<number>;
  max_drawdown: Nullable<number>;
  trades: Nullable<number>;
  win_rate: Nullable<number>;
}

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  queue?: string;
  created_at: number;
  started_at: Nullable<number>;
  finished_at: Nullable<number>;
  error: Nullable<string>;
  request?: Record<string, unknown>;
  summary?: Nullable<BacktestSummary>;
}

export interface StoredRun {
  id: string;
  strategy: string;
  created_at: number;
  metrics?: Nullable<Record<string, unknown>>;
  period_start?: Nullable<number>;
  period_end?: Nullable<number>;
  trade_count?: Nullable<number>;
}

export interface StrategyParam {
  name: string;
  type: string;
  default?: unknown;
  description?: string;
}

export interface StrategyInfo {
  name: string;
  description?: string;
  params: StrategyParam[];
}

export interface BundledDataSet {
  file: string;
  symbol: string;
  timeframe: string;
  rows?: number;
  /** ISO dates (bundled files are described, not loaded). */
  first?: string;
  last?: string;
  description?: string;
}

export interface StoredSeries {
  venue?: string;
  symbol: string;
  timeframe: string;
  first?: number;
  last?: number;
  count?: number;
}

/** The report as `arbiter backtest --json` writes it (src/backtest/report.ts; camelCase). */
export interface BacktestReport {
  version: number;
  strategy: { name: string; params: unknown; warmup: number };
  data: { symbols: string[]; timeframe: string; start: number; end: number; bars: number };
  config: { cash: number; convention: string; accountType?: string; leverage?: number };
  metrics: Record<string, unknown>;
  trades: Array<{
    id: string; symbol: string; side: string; entryTime: number; entryPrice: number; exitTime: number; exitPrice: number;
    quantity: number; pnl: number; fees: number; exitReason: string; returnPct: number; bars: number; entryTag?: Nullable<string>;
  }>;
  equity: Array<[number, Nullable<number>]>;
  warnings: string[];
}

export interface ComponentState {
  name: string;
  state: 'ready' | 'running' | 'degraded' | 'faulted' | 'stopped';
  reason: Nullable<string>;
  since: number;
}

export interface SystemStatus {
  mode: string;
  live_enabled?: boolean;
  started_at: number;
  uptime_ms: number;
  session: Nullable<{
    state: string; strategy: string; params: Record<string, unknown>; symbols: string[]; timeframe: string;
    replay: { delivered: number; total: number; speed: number | 'max'; time: Nullable<number> };
    fault: Nullable<string>;
  }>;
  components: ComponentState[];
  feed: Nullable<{ state: string; bars_received: number; bars_per_second: number; last_bar_time: Nullable<number>; last_bar_received_at: Nullable<number> }>;
  http: {
    requests: number; requests_per_second: number;
    responses: Record<string, number>;
    rejected: Record<string, number>;
    latency_ms: { p50: Nullable<number>; p95: Nullable<number>; p99: Nullable<number>; max: Nullable<number>; samples: number };
  };
  ws: { clients: number; messages_sent: number; messages_dropped: number };
  events?: { total: number; per_second: number };
  jobs: { queue: string; queued: number; running: number };
  storage: Nullable<{ dialect: string; url: string; journal_failures: number }>;
  decision_core?: { available: boolean; detail: Nullable<string> };
  notifications: { telegram: boolean; webhook: boolean };
}

export interface WhoAmI {
  token_id: string;
  scopes: string[];
  label?: Nullable<string>;
  source?: string;
}
