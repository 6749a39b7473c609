/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and hash-chained, so an edit
 * made behind the database's back (with the trigger dropped) is still detected by `verify`.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Backend } from '../backend.js';
import { decodeJson, encodeJson } from '../codec.js';
import { StorageConstraintError } from '../errors.js';
import type { AuditEntry, AuditEntryInput, AuditLog } from '../port.js';
import type { AuditLogTable } from '../schema.js';

const GENESIS = '0'.repeat(64);

function entryHash(prevHash: string, e: { time: number; actor: string; action: string; subject: string | null; details: string | null }): string {
  return createHash('sha256').update(JSON.stringify([prevHash, e.time, e.actor, e.action, e.subject, e.details])).digest('hex');
}

function entryOf(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(r.seq), time: Number(r.time), actor: r.actor, action: r.action, hash: r.hash,
    ...(r.subject !== null && { subject: r.subject }), ...(r.details !== null && { details: decodeJson(r.details) }),
  };
}

export class SqlAuditLog implements AuditLog {
  constructor(private readonly backend: Backend) {}

  async append(entry: AuditEntryInput): Promise<AuditEntry> {
    if (!entry.actor) throw new StorageConstraintError('actor is required', 'audit_log');
    if (!entry.action) throw new StorageConstraintError('action is required', 'audit_log');
    if (!Number.isFinite(entry.time)) throw new StorageConstraintError(`time must be epoch ms, got ${entry.time}`, 'audit_log');
    const fields = { time: entry.time, actor: entry.actor, action: entry.action, subject: entry.subject ?? null, details: entry.details === undefined ? null : encodeJson(entry.details) };
    return this.backend.write(async (trx) => {
      // The chain needs one writer at a time.
      await this.backend.lock(trx, ['audit']);
      const last = await trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const prevHash = last?.hash ?? GENESIS;
      const hash = entryHash(prevHash, fields);
      const row = await trx.insertInto('audit_log').values({ ...fields, prev_hash: prevHash, hash }).returning('seq').executeTakeFirstOrThrow();
      return entryOf({ ...fields, seq: Number(row.seq), prev_hash: prevHash, hash });
    });
  }

  async list(query: { actor?: string; action?: string; from?: number; afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    let q = this.backend.db.selectFrom('audit_log').selectAll();
    if (query.actor !== undefined) q = q.where('actor', '=', query.actor);
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.from !== undefined) q = q.where('time', '>=', query.from);
    if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
    q = q.orderBy('seq');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(entryOf);
  }

  async verify(): Promise<{ ok: boolean; entries: number; firstBadSeq?: number }> {
    let prev = GENESIS;
    let entries = 0;
    let after = 0;
    for (;;) {
      const page = await this.backend.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(5000).execute();
      for (const r of page) {
        const seq = Number(r.seq);
        if (r.prev_hash !== prev || entryHash(prev, { ...r, time: Number(r.time) }) !== r.hash) return { ok: false, entries, firstBadSeq: seq };
        prev = r.hash;
        entries++;
        after = seq;
      }
      if (page.length < 5000) return { ok: true, entries };
    }
  }
}
