/** Version 1: every table of the first release (market data, trading, AI, research, audit). */
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { StorageDialect } from '../port.js';
import type { Migration } from './migration.js';

type ColumnKind = 'text' | 'int' | 'time' | 'real' | 'json' | 'blob' | 'serial';
/** [name, kind, nullable] */
type Column = readonly [string, ColumnKind, boolean?];

interface TableSpec {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly primaryKey?: readonly string[];
  readonly unique?: ReadonlyArray<readonly string[]>;
  readonly indexes?: ReadonlyArray<readonly string[]>;
  /** PostgreSQL: BRIN indexes on these time columns (cheap, fit for append-mostly time data). */
  readonly brin?: readonly string[];
  /** Refuse UPDATE and DELETE with a trigger. */
  readonly appendOnly?: boolean;
}

const N = true; // nullable

const tables: readonly TableSpec[] = [
  {
    name: 'instruments',
    columns: [['venue', 'text'], ['symbol', 'text'], ['asset_class', 'text'], ['base', 'text'], ['quote', 'text'],
      ['tick_size', 'real'], ['lot_size', 'real'], ['min_quantity', 'real'], ['min_notional', 'real'], ['maker_fee', 'real'],
      ['taker_fee', 'real'], ['multiplier', 'real'], ['max_leverage', 'real'], ['updated_at', 'time']],
    primaryKey: ['venue', 'symbol'],
  },
  {
    name: 'candle_series',
    columns: [['id', 'serial'], ['venue', 'text'], ['symbol', 'text'], ['timeframe', 'text']],
    unique: [['venue', 'symbol', 'timeframe']],
  },
  {
    name: 'candle_chunks',
    columns: [['series_id', 'int'], ['chunk_start', 'time'], ['rows', 'int'], ['first_time', 'time'], ['last_time', 'time'],
      ['gaps', 'int'], ['data', 'blob']],
    primaryKey: ['series_id', 'chunk_start'],
    brin: ['first_time'],
  },
  {
    name: 'market_trades',
    columns: [['venue', 'text'], ['symbol', 'text'], ['trade_id', 'text'], ['time', 'time'], ['price', 'real'], ['size', 'real'], ['aggressor', 'text']],
    primaryKey: ['venue', 'symbol', 'trade_id'],
    indexes: [['venue', 'symbol', 'time'], ['time']],
    brin: ['time'],
  },
  {
    name: 'order_events',
    columns: [['seq', 'serial'], ['order_id', 'text'], ['event_key', 'text'], ['kind', 'text'], ['status', 'text'], ['symbol', 'text'],
      ['client_order_id', 'text'], ['time', 'time'], ['recorded_at', 'time'], ['payload', 'json']],
    unique: [['order_id', 'event_key']],
    indexes: [['order_id', 'seq']],
    brin: ['time'],
    appendOnly: true,
  },
  {
    name: 'orders',
    columns: [['id', 'text'], ['client_order_id', 'text'], ['symbol', 'text'], ['side', 'text'], ['type', 'text'], ['status', 'text'],
      ['quantity', 'real', N], ['filled_quantity', 'real'], ['avg_fill_price', 'real', N], ['fees', 'real'], ['created_at', 'time'],
      ['updated_at', 'time'], ['last_seq', 'time'], ['venue_order_id', 'text', N], ['owner', 'text', N], ['tag', 'text', N], ['view', 'json']],
    primaryKey: ['id'],
    indexes: [['status'], ['symbol', 'created_at'], ['client_order_id']],
  },
  {
    name: 'fills',
    columns: [['order_id', 'text'], ['trade_id', 'text'], ['seq', 'time'], ['client_order_id', 'text'], ['symbol', 'text'], ['side', 'text'],
      ['quantity', 'real'], ['price', 'real'], ['fee', 'real'], ['liquidity', 'text'], ['time', 'time'], ['tag', 'text', N], ['owner', 'text', N]],
    primaryKey: ['order_id', 'trade_id'],
    indexes: [['symbol', 'time'], ['seq']],
    brin: ['time'],
  },
  {
    name: 'position_snapshots',
    columns: [['id', 'serial'], ['account', 'text'], ['time', 'time'], ['symbol', 'text'], ['side', 'text'], ['quantity', 'real'],
      ['avg_price', 'real', N], ['realized_pnl', 'real'], ['fees', 'real'], ['funding', 'real'], ['opened_at', 'time', N],
      ['multiplier', 'real'], ['mark_price', 'real', N], ['unrealized_pnl', 'real']],
    indexes: [['account', 'time']],
  },
  {
    name: 'account_snapshots',
    columns: [['id', 'serial'], ['account', 'text'], ['time', 'time'], ['type', 'text'], ['currency', 'text'], ['leverage', 'real'],
      ['balance', 'real'], ['unrealized_pnl', 'real'], ['equity', 'real'], ['margin_used', 'real'], ['free_margin', 'real'],
      ['buying_power', 'real'], ['gross_leverage', 'real'], ['fees_paid', 'real'], ['funding_paid', 'real']],
    indexes: [['account', 'time']],
  },
  {
    name: 'ai_decisions',
    columns: [['id', 'text'], ['symbol', 'text'], ['strategy', 'text'], ['action', 'text'], ['side', 'text', N], ['direction', 'real', N],
      ['size_percent', 'real', N], ['entry_price', 'real', N], ['stop_loss', 'real', N], ['take_profit', 'real', N], ['confidence', 'real'],
      ['consensus_score', 'real', N], ['reasoning', 'text', N], ['market_analysis', 'text', N], ['risk_assessment', 'text', N],
      ['model_used', 'text', N], ['tokens_used', 'int', N], ['executed_at', 'time', N], ['order_id', 'text', N], ['outcome', 'text'],
      ['pnl', 'real', N], ['created_at', 'time'], ['vote_count', 'int']],
    primaryKey: ['id'],
    indexes: [['symbol', 'created_at'], ['created_at'], ['strategy', 'created_at']],
  },
  {
    name: 'ai_decision_votes',
    columns: [['decision_id', 'text'], ['head', 'text'], ['direction', 'real'], ['confidence', 'real'], ['weight', 'real'],
      ['horizon_ms', 'time', N], ['reason', 'text', N], ['inputs', 'json', N], ['status', 'text'], ['error', 'text', N]],
    primaryKey: ['decision_id', 'head'],
  },
  {
    name: 'head_weights',
    columns: [['scope', 'text'], ['head', 'text'], ['weight', 'real'], ['samples', 'int'], ['updated_at', 'time']],
    primaryKey: ['scope', 'head'],
  },
  {
    name: 'learning_events',
    columns: [['id', 'serial'], ['time', 'time'], ['kind', 'text'], ['subject', 'text'], ['payload', 'json']],
    indexes: [['kind', 'time'], ['subject', 'time']],
  },
  {
    name: 'ai_predictions',
    columns: [['id', 'text'], ['model_name', 'text'], ['model_version', 'text'], ['symbol', 'text'], ['timeframe', 'text', N],
      ['predicted_at', 'time'], ['target_time', 'time'], ['prediction', 'real'], ['confidence', 'real', N], ['features', 'json', N],
      ['actual', 'real', N], ['resolved_at', 'time', N], ['correct', 'int', N]],
    primaryKey: ['id'],
    indexes: [['model_name', 'target_time'], ['symbol', 'predicted_at'], ['target_time']],
  },
  {
    name: 'tradingview_signals',
    columns: [['id', 'text'], ['received_at', 'time'], ['ticker', 'text'], ['action', 'text'], ['price', 'real', N], ['strategy', 'text', N],
      ['timeframe', 'text', N], ['indicators', 'json', N], ['payload', 'json'], ['confidence', 'real', N], ['should_execute', 'int', N],
      ['recommended_position_size', 'real', N], ['reasoning', 'json', N], ['decision_id', 'text', N], ['status', 'text']],
    primaryKey: ['id'],
    indexes: [['ticker', 'received_at'], ['received_at']],
  },
  {
    name: 'signal_performance',
    columns: [['id', 'serial'], ['source', 'text'], ['signal_id', 'text', N], ['symbol', 'text'], ['signal_time', 'time'], ['direction', 'real'],
      ['confidence', 'real'], ['horizon_ms', 'time'], ['entry_price', 'real'], ['exit_price', 'real'], ['realized_return', 'real'],
      ['correct', 'int'], ['evaluated_at', 'time']],
    indexes: [['source', 'signal_time'], ['symbol', 'signal_time']],
  },
  {
    name: 'market_regimes',
    columns: [['symbol', 'text'], ['timeframe', 'text'], ['time', 'time'], ['regime', 'text'], ['confidence', 'real'], ['features', 'json', N]],
    primaryKey: ['symbol', 'timeframe', 'time'],
  },
  {
    name: 'ml_models',
    columns: [['name', 'text'], ['version', 'text'], ['kind', 'text'], ['parameters', 'json'], ['metrics', 'json'], ['artifact_uri', 'text'],
      ['stage', 'text'], ['description', 'text', N], ['created_at', 'time'], ['updated_at', 'time']],
    primaryKey: ['name', 'version'],
    indexes: [['name', 'created_at'], ['stage']],
  },
  {
    name: 'model_performance',
    columns: [['id', 'serial'], ['model_name', 'text'], ['model_version', 'text'], ['evaluated_at', 'time'], ['split', 'text'],
      ['period_start', 'time', N], ['period_end', 'time', N], ['metrics', 'json']],
    indexes: [['model_name', 'model_version', 'evaluated_at']],
  },
  {
    name: 'feature_store',
    columns: [['feature_set', 'text'], ['symbol', 'text'], ['timeframe', 'text'], ['time', 'time'], ['values', 'json']],
    primaryKey: ['feature_set', 'symbol', 'timeframe', 'time'],
  },
  {
    name: 'strategy_evolution',
    columns: [['strategy', 'text'], ['version', 'int'], ['parent_version', 'int', N], ['parameters', 'json'], ['metrics', 'json', N],
      ['reason', 'text', N], ['created_at', 'time']],
    primaryKey: ['strategy', 'version'],
  },
  {
    name: 'backtest_runs',
    columns: [['id', 'text'], ['strategy', 'text'], ['created_at', 'time'], ['config', 'json'], ['metrics', 'json'], ['period_start', 'time', N],
      ['period_end', 'time', N], ['note', 'text', N], ['trade_count', 'int']],
    primaryKey: ['id'],
    indexes: [['strategy', 'created_at'], ['created_at']],
  },
  {
    name: 'backtest_trades',
    columns: [['run_id', 'text'], ['seq', 'int'], ['trade_id', 'text'], ['symbol', 'text'], ['side', 'text'], ['entry_time', 'time'],
      ['entry_price', 'real'], ['exit_time', 'time'], ['exit_price', 'real'], ['quantity', 'real'], ['pnl', 'real'], ['gross_pnl', 'real'],
      ['fees', 'real'], ['carry', 'real'], ['return_pct', 'real'], ['exit_reason', 'text'], ['entry_tag', 'text', N], ['bars', 'int']],
    primaryKey: ['run_id', 'seq'],
  },
  {
    name: 'audit_log',
    columns: [['seq', 'serial'], ['time', 'time'], ['actor', 'text'], ['action', 'text'], ['subject', 'text', N], ['details', 'json', N],
      ['prev_hash', 'text'], ['hash', 'text']],
    indexes: [['time'], ['actor', 'time'], ['action', 'time']],
    brin: ['time'],
    appendOnly: true,
  },
];

function addColumn(builder: CreateTableBuilder<string, never>, dialect: StorageDialect, [name, kind, nullable]: Column): CreateTableBuilder<string, never> {
  const notNull = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (nullable ? c : c.notNull());
  switch (kind) {
    case 'serial':
      return dialect === 'sqlite'
        ? builder.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())
        : builder.addColumn(name, 'bigserial', (c) => c.primaryKey());
    case 'text':
    case 'json':
      return builder.addColumn(name, 'text', notNull);
    case 'int':
      return builder.addColumn(name, 'integer', notNull);
    case 'time':
      return builder.addColumn(name, 'bigint', notNull);
    case 'real':
      return builder.addColumn(name, 'double precision', notNull);
    case 'blob':
      return builder.addColumn(name, dialect === 'sqlite' ? 'blob' : 'bytea', notNull);
  }
}

async function createTable(db: Kysely<unknown>, dialect: StorageDialect, spec: TableSpec): Promise<void> {
  let builder = db.schema.createTable<string>(spec.name);
  for (const column of spec.columns) builder = addColumn(builder, dialect, column);
  if (spec.primaryKey) builder = builder.addPrimaryKeyConstraint(`${spec.name}_pk`, spec.primaryKey as never);
  for (const cols of spec.unique ?? []) builder = builder.addUniqueConstraint(`${spec.name}_${cols.join('_')}_uq`, cols as never);
  await builder.execute();
  for (const cols of spec.indexes ?? []) {
    await db.schema.createIndex(`${spec.name}_${cols.join('_')}_idx`).on(spec.name).columns(cols as string[]).execute();
  }
  if (dialect === 'postgres') {
    for (const col of spec.brin ?? []) {
      await sql`create index ${sql.id(`${spec.name}_${col}_brin`)} on ${sql.table(spec.name)} using brin (${sql.ref(col)})`.execute(db);
    }
  }
  if (spec.appendOnly) await refuseChanges(db, dialect, spec.name);
}

async function refuseChanges(db: Kysely<unknown>, dialect: StorageDialect, table: string): Promise<void> {
  const message = sql.lit(`${table} is append-only`);
  if (dialect === 'sqlite') {
    for (const op of ['update', 'delete'] as const) {
      await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.table(table)} begin select raise(abort, ${message}); end`.execute(db);
    }
    return;
  }
  await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)} for each row execute function arbiter_refuse_change()`.execute(db);
  await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function arbiter_refuse_change()`.execute(db);
}

export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  async up(db, dialect) {
    if (dialect === 'postgres') {
      await sql`create function arbiter_refuse_change() returns trigger language plpgsql as $$
        begin raise exception '% is append-only', TG_TABLE_NAME using errcode = 'restrict_violation'; end $$`.execute(db);
    }
    for (const spec of tables) await createTable(db, dialect, spec);
  },
};
