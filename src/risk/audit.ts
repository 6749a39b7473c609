/**
 * The audit port of the risk engine: where trading-state changes, breaker trips and resets and
 * threshold edits are recorded, with who did it and why.
 *
 * The shape is the storage layer's audit log (`Storage.audit`, append-only and hash-chained), so
 * `storage.audit` can be passed as it is; `MemoryAuditLog` serves tests and runs without a
 * database.
 */

export type AuditValue = string | number | boolean | null | readonly AuditValue[] | { readonly [key: string]: AuditValue | undefined };

export interface AuditRecord {
  /** UTC epoch ms, from the kernel's clock (simulated in a backtest). */
  readonly time: number;
  /** Who: a user, an API key id, or a component (`risk-engine`). */
  readonly actor: string;
  /** What: `trading-state.set`, `trading-state.changed`, `breaker.tripped`, `breaker.reset`, `risk.config-changed`. */
  readonly action: string;
  /** What it was done to: a breaker's name, `trading-state`, `risk-config`. */
  readonly subject?: string;
  readonly details?: AuditValue;
}

/** Anything that can append audit records; a returned promise is awaited in order by the engine. */
export interface AuditSink {
  append(record: AuditRecord): unknown;
}

/**
 * An audit log in memory.
 * @example
 *   const audit = new MemoryAuditLog();
 *   const engine = new RiskEngine({ ...deps, audit });
 *   engine.setTradingState('HALTED', 'alice', 'exchange incident');
 *   audit.entries.at(-1); // { actor: 'alice', action: 'trading-state.set', … }
 */
export class MemoryAuditLog implements AuditSink {
  private readonly list: Array<AuditRecord & { readonly seq: number }> = [];

  append(record: AuditRecord): AuditRecord & { readonly seq: number } {
    const entry = Object.freeze({ ...record, seq: this.list.length + 1 });
    this.list.push(entry);
    return entry;
  }

  get entries(): ReadonlyArray<AuditRecord & { readonly seq: number }> {
    return this.list;
  }
}
