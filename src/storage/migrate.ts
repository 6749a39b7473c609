/**
 * The migration runner: applies pending migrations on open, in one transaction under a lock so
 * that two processes starting together migrate once. A database written by a newer Arbiter, or
 * holding tables Arbiter did not create, is refused with instructions before anything changes.
 */
import { sql } from 'kysely';
import { errorMessage } from '../core/errors.js';
import type { Backend, Trx } from './backend.js';
import { SchemaMismatchError } from './errors.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { schemaTables } from './schema.js';

export interface MigrationReport {
  /** Schema version before opening. */
  readonly from: number;
  /** Schema version now. */
  readonly to: number;
  readonly applied: readonly number[];
}

/** The highest schema version this code knows. */
export function latestSchemaVersion(list: readonly Migration[] = allMigrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0);
}

async function tableNames(backend: Backend, trx: Trx): Promise<Set<string>> {
  const rows = backend.dialect === 'sqlite'
    ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(trx)
    : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(trx);
  return new Set(rows.rows.map((r) => r.name));
}

/** Brings the schema up to the latest version; throws `SchemaMismatchError` with instructions when it cannot. */
export async function migrate(backend: Backend, list: readonly Migration[] = allMigrations): Promise<MigrationReport> {
  const ordered = [...list].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3…; found ${m.version} at position ${i + 1}`);
  });
  const latest = latestSchemaVersion(ordered);
  const report = await backend.write(async (trx) => {
    await backend.lock(trx, ['arbiter:migrations']);
    const before = await tableNames(backend, trx);
    if (!before.has('arbiter_migrations')) {
      const foreign = schemaTables.filter((t) => before.has(t));
      if (foreign.length > 0) {
        throw new SchemaMismatchError(backend.url,
          `the database already has tables named like Arbiter's (${foreign.join(', ')}) but no Arbiter schema version; ` +
          'point DATABASE_URL at an empty database, or give Arbiter a schema or file of its own (postgres://…?schema=arbiter, sqlite:./data/arbiter.db)');
      }
      await trx.schema.createTable('arbiter_migrations')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
    }
    const applied = await trx.selectFrom('arbiter_migrations').select(['version', 'name']).orderBy('version').execute();
    const current = applied.reduce((max, r) => Math.max(max, Number(r.version)), 0);
    if (current > latest) {
      throw new SchemaMismatchError(backend.url,
        `the schema is at version ${current}, newer than this Arbiter knows (up to ${latest}): a newer Arbiter wrote it. ` +
        'Upgrade Arbiter (git pull && npm install), or point DATABASE_URL at another database. Nothing was changed.');
    }
    for (const row of applied) {
      const known = ordered[Number(row.version) - 1];
      if (known && known.name !== row.name) {
        throw new SchemaMismatchError(backend.url,
          `schema version ${row.version} is "${row.name}" in the database but "${known.name}" in this Arbiter: another build wrote it. ` +
          'Point DATABASE_URL at a fresh database, or export your candles (arbiter data export) and import them into one.');
      }
    }
    const done: number[] = [];
    for (const migration of ordered.slice(current)) {
      try {
        await migration.up(trx as never, backend.dialect);
      } catch (error) {
        throw new SchemaMismatchError(backend.url,
          `migration ${migration.version} (${migration.name}) failed: ${errorMessage(error)}. Nothing was changed; ` +
          'if the database holds tables from another application, give Arbiter its own database or schema.', { cause: error });
      }
      await trx.insertInto('arbiter_migrations').values({ version: migration.version, name: migration.name, applied_at: Date.now() }).execute();
      done.push(migration.version);
    }
    const after = await tableNames(backend, trx);
    const missing = schemaTables.filter((t) => !after.has(t));
    if (missing.length > 0) {
      throw new SchemaMismatchError(backend.url,
        `tables ${missing.join(', ')} are missing although the schema is at version ${latest}: they were dropped outside Arbiter. ` +
        'Restore them from a backup, or point DATABASE_URL at a fresh database.');
    }
    return { from: current, to: latest, applied: done };
  });
  return report;
}
