import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../risk/audit.js';
import type { AuditEntry, AuditEntryInput, AuditLog } from '../../storage/port.js';
import { bearerToken, grants, hashToken, parseScopes, safeEqual, TokenStore } from './tokens.js';

/** The storage audit log's behaviour, in memory (seq, oldest first, filters). */
function memoryAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    append(e: AuditEntryInput) {
      const entry = { ...e, seq: entries.length + 1, hash: String(entries.length + 1) };
      entries.push(entry);
      return Promise.resolve(entry);
    },
    list(q = {}) {
      let out = entries.filter((e) => (q.action === undefined || e.action === q.action) && (q.afterSeq === undefined || e.seq > q.afterSeq));
      if (q.limit !== undefined) out = out.slice(0, q.limit);
      return Promise.resolve(out);
    },
    verify: () => Promise.resolve({ ok: true, entries: entries.length }),
  };
}

describe('TokenStore', () => {
  it('creates a token, stores only its hash, and verifies it', async () => {
    const audit = memoryAudit();
    const store = await TokenStore.open(audit);
    const { token, record } = await store.create({ scopes: ['trade'], label: 'ci', actor: 'test' });
    expect(token).toMatch(/^arb_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(audit.entries)).not.toContain(token);
    expect(audit.entries[0]).toMatchObject({ action: 'api-token.created', actor: 'test', subject: record.id, details: { hash: hashToken(token), scopes: ['trade'] } });
    expect(await store.verify(token)).toMatchObject({ id: record.id, scopes: ['trade'], label: 'ci', source: 'stored' });
    expect(await store.verify(`${token}x`)).toBeUndefined();
    expect(await store.verify('not-a-token')).toBeUndefined();
    expect(await store.verify(undefined)).toBeUndefined();
  });

  it('sees tokens another process created (reload on an unknown token) and their revocation', async () => {
    const audit = memoryAudit();
    const server = await TokenStore.open(audit, { reloadIntervalMs: 0 });
    const cli = await TokenStore.open(audit);
    const { token, record } = await cli.create({ scopes: ['read'], actor: 'cli' });
    expect(await server.verify(token)).toMatchObject({ id: record.id });
    expect(await cli.revoke(record.id, 'cli')).toBe(true);
    server.lookup(token); // starts the background reload
    await new Promise((r) => setTimeout(r, 10));
    expect(await server.verify(token)).toBeUndefined();
    expect(await cli.revoke(record.id, 'cli')).toBe(false);
  });

  it('keeps session tokens in memory only', async () => {
    const audit = memoryAudit();
    const store = await TokenStore.open(audit);
    const { token, record } = store.createSessionToken(['admin']);
    expect(audit.entries).toHaveLength(0);
    expect(await store.verify(token)).toMatchObject({ id: record.id, source: 'session' });
    const other = await TokenStore.open(audit);
    expect(await other.verify(token)).toBeUndefined();
  });

  it('cannot create stored tokens without storage', async () => {
    const store = await TokenStore.open(undefined);
    await expect(store.create({ scopes: ['read'], actor: 'x' })).rejects.toThrow(/storage/);
    expect(new MemoryAuditLog().entries).toHaveLength(0);
  });
});

describe('scopes', () => {
  it('orders admin ⊃ trade ⊃ read', () => {
    expect(grants(['admin'], 'trade')).toBe(true);
    expect(grants(['trade'], 'read')).toBe(true);
    expect(grants(['trade'], 'admin')).toBe(false);
    expect(grants(['read'], 'trade')).toBe(false);
    expect(grants([], 'read')).toBe(false);
  });

  it('parses --scope lists and names a bad one', () => {
    expect(parseScopes('read,trade')).toEqual(['read', 'trade']);
    expect(() => parseScopes('write')).toThrow('--scope: unknown scope "write"; use read, trade, admin');
    expect(() => parseScopes('')).toThrow(/--scope/);
  });

  it('reads bearer headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares passphrases of any length', () => {
    expect(safeEqual('a-long-passphrase', 'a-long-passphrase')).toBe(true);
    expect(safeEqual('a-long-passphrase', 'a-long-passphras')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });
});
