/** The Storage port over any Backend: one implementation for SQLite and PostgreSQL. */
import { DAY_MS } from '../../core/time.js';
import type { Backend } from '../backend.js';
import type { RetentionPolicy, RetentionReport, Storage } from '../port.js';
import {
  SqlDecisionStore, SqlFeatureStore, SqlLearningStore, SqlMarketRegimeStore, SqlModelRegistry, SqlPredictionStore,
  SqlSignalPerformanceStore, SqlStrategyEvolutionStore, SqlTradingViewSignalStore,
} from './ai.js';
import { SqlAuditLog } from './audit.js';
import { SqlCandleStore } from './candles.js';
import { SqlInstrumentStore, SqlTickStore } from './market.js';
import { SqlOrderJournal } from './orders.js';
import { SqlBacktestStore } from './research.js';
import { SqlSnapshotStore } from './snapshots.js';

export class SqlStorage implements Storage {
  readonly dialect;
  readonly url;
  readonly instruments;
  readonly candles;
  readonly ticks;
  readonly orders;
  readonly snapshots;
  readonly decisions;
  readonly learning;
  readonly predictions;
  readonly tradingView;
  readonly signalPerformance;
  readonly regimes;
  readonly models;
  readonly features;
  readonly strategyEvolution;
  readonly backtests;
  readonly audit;
  #closed = false;

  constructor(private readonly backend: Backend, now: () => number) {
    this.dialect = backend.dialect;
    this.url = backend.url;
    this.instruments = new SqlInstrumentStore(backend, now);
    this.candles = new SqlCandleStore(backend);
    this.ticks = new SqlTickStore(backend);
    this.orders = new SqlOrderJournal(backend, now);
    this.snapshots = new SqlSnapshotStore(backend);
    this.decisions = new SqlDecisionStore(backend);
    this.learning = new SqlLearningStore(backend);
    this.predictions = new SqlPredictionStore(backend);
    this.tradingView = new SqlTradingViewSignalStore(backend);
    this.signalPerformance = new SqlSignalPerformanceStore(backend);
    this.regimes = new SqlMarketRegimeStore(backend);
    this.models = new SqlModelRegistry(backend);
    this.features = new SqlFeatureStore(backend);
    this.strategyEvolution = new SqlStrategyEvolutionStore(backend);
    this.backtests = new SqlBacktestStore(backend);
    this.audit = new SqlAuditLog(backend);
  }

  async schemaVersion(): Promise<number> {
    const row = await this.backend.db.selectFrom('arbiter_migrations').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    return Number(row?.v ?? 0);
  }

  async applyRetention(policy: RetentionPolicy, now: number): Promise<RetentionReport> {
    if (!(policy.tickDays > 0)) throw new RangeError(`retention tickDays must be positive, got ${policy.tickDays}`);
    const cutoff = now - policy.tickDays * DAY_MS;
    const ticksDeleted = await this.ticks.deleteBefore(cutoff);
    return { ticksDeleted, cutoff };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.backend.close();
  }
}
