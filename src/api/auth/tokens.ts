/**
 * API tokens. A token is `arb_` + 32 random bytes (base64url); only its SHA-256 is kept. Stored
 * tokens are entries of the storage's audit log (`api-token.created`, `api-token.revoked`): the
 * log is append-only and hash-chained, so a grant can be neither edited nor removed silently, and
 * creating a token is itself the audit record of who created it. Session tokens (the local
 * dashboard's) live only in the server's memory.
 *
 * Scopes are ordered: `admin` includes `trade`, which includes `read`.
 *
 * @example
 * const tokens = await TokenStore.open(storage.audit);
 * const { token } = await tokens.create({ scopes: ['trade'], label: 'ci', actor: 'cli' });
 * (await tokens.verify(token))?.scopes; // ['trade']
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../../core/errors.js';
import type { AuditLog } from '../../storage/port.js';

export const scopes = ['read', 'trade', 'admin'] as const;
export type Scope = (typeof scopes)[number];

const rank: Record<Scope, number> = { read: 0, trade: 1, admin: 2 };

/** True when a token holding `held` may do what needs `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  for (const s of held) if (rank[s] >= rank[needed]) return true;
  return false;
}

/** Parses `read`, `trade,admin`… (what `--scope` takes). */
export function parseScopes(text: string | readonly string[]): Scope[] {
  const parts = (typeof text === 'string' ? text.split(',') : text.flatMap((t) => t.split(','))).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new ConfigurationError(`give a scope: ${scopes.join(', ')}`, '--scope');
  for (const p of parts) if (!(scopes as readonly string[]).includes(p)) throw new ConfigurationError(`unknown scope "${p}"; use ${scopes.join(', ')}`, '--scope');
  return [...new Set(parts as Scope[])];
}

export interface TokenRecord {
  readonly id: string;
  readonly scopes: readonly Scope[];
  readonly label?: string;
  readonly createdAt: number;
  readonly createdBy: string;
  /** `stored` in the database, or `session`: in this process's memory only. */
  readonly source: 'stored' | 'session';
}

const TOKEN_PREFIX = 'arb_';
const CREATED = 'api-token.created';
const REVOKED = 'api-token.revoked';

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/** SHA-256 of a token, hex. (The one-shot `crypto.hash` costs half of a `createHash` object per request.) */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Constant-time comparison of two strings (for passphrases). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  // Comparing digests keeps the time independent of where the strings differ and of their lengths.
  return timingSafeEqual(ha, hb);
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export interface TokenStoreOptions {
  readonly now?: () => number;
  /** Least time between two reloads triggered by unknown tokens (default 1000 ms). */
  readonly reloadIntervalMs?: number;
}

export class TokenStore {
  private readonly byHash = new Map<string, TokenRecord>();
  private readonly revoked = new Set<string>();
  private readonly hashOfId = new Map<string, string>();
  private lastCreatedSeq = 0;
  private lastRevokedSeq = 0;
  private lastReload = -Infinity;
  private reloading: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly reloadIntervalMs: number;

  private constructor(private readonly audit: AuditLog | undefined, options: TokenStoreOptions) {
    this.now = options.now ?? Date.now;
    this.reloadIntervalMs = options.reloadIntervalMs ?? 1000;
  }

  /** Loads the stored tokens; without an audit log only session tokens exist. */
  static async open(audit: AuditLog | undefined, options: TokenStoreOptions = {}): Promise<TokenStore> {
    const store = new TokenStore(audit, options);
    await store.reload();
    return store;
  }

  /** Creates and stores a token; the token itself is returned once and never kept. */
  async create(input: { readonly scopes: readonly Scope[]; readonly label?: string; readonly actor: string }): Promise<{ token: string; record: TokenRecord }> {
    if (!this.audit) throw new ConfigurationError('no storage to keep the token in', 'DATABASE_URL');
    if (input.scopes.length === 0) throw new ConfigurationError('give at least one scope', 'scope');
    const token = newToken();
    const hash = hashToken(token);
    const id = `tok_${randomBytes(6).toString('hex')}`;
    const createdAt = this.now();
    const entry = await this.audit.append({
      time: createdAt, actor: input.actor, action: CREATED, subject: id,
      details: { id, hash, scopes: [...input.scopes], ...(input.label ? { label: input.label } : {}) },
    });
    const record: TokenRecord = { id, scopes: [...input.scopes], createdAt, createdBy: input.actor, source: 'stored', ...(input.label ? { label: input.label } : {}) };
    this.add(hash, record);
    this.lastCreatedSeq = Math.max(this.lastCreatedSeq, entry.seq);
    return { token, record };
  }

  /** A token for this process only (the local dashboard's): never stored, gone at exit. */
  createSessionToken(tokenScopes: readonly Scope[], label = 'session'): { token: string; record: TokenRecord } {
    const token = newToken();
    const record: TokenRecord = { id: `ses_${randomBytes(6).toString('hex')}`, scopes: [...tokenScopes], label, createdAt: this.now(), createdBy: 'server', source: 'session' };
    this.add(hashToken(token), record);
    return { token, record };
  }

  /** Revokes a stored token by id; returns false when there is none. */
  async revoke(id: string, actor: string, reason = 'revoked'): Promise<boolean> {
    await this.reload(true);
    const hash = this.hashOfId.get(id);
    if (hash === undefined || this.revoked.has(id)) return false;
    const record = this.byHash.get(hash);
    if (record?.source === 'session') {
      this.byHash.delete(hash);
      this.revoked.add(id);
      return true;
    }
    if (!this.audit) return false;
    const entry = await this.audit.append({ time: this.now(), actor, action: REVOKED, subject: id, details: { id, reason } });
    this.lastRevokedSeq = Math.max(this.lastRevokedSeq, entry.seq);
    this.byHash.delete(hash);
    this.revoked.add(id);
    return true;
  }

  /** Active tokens (without their hashes). */
  async list(): Promise<TokenRecord[]> {
    await this.reload(true);
    return [...this.byHash.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * The record of a valid token, or undefined. An unknown token triggers a reload (at most once
   * per `reloadIntervalMs`), so tokens created by the CLI while the server runs work at once.
   */
  async verify(token: string | undefined): Promise<TokenRecord | undefined> {
    if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const known = this.lookup(token);
    if (known) return known;
    // An unknown token waits for the next reload window rather than being refused while the
    // throttle holds: a token the CLI created a moment ago then works at once, and guessing
    // tokens costs the guesser time instead of costing the database a read per guess.
    const wait = Math.min(this.reloadIntervalMs, this.lastReload + this.reloadIntervalMs - this.now());
    if (this.audit && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.reload(false);
    return this.byHash.get(hashToken(token));
  }

  /**
   * The synchronous part of `verify`: a token already loaded. Starts a background reload when the
   * last one is older than `reloadIntervalMs`, so a revocation by the CLI reaches a running server
   * within about that long.
   */
  lookup(token: string): TokenRecord | undefined {
    return this.lookupHash(hashToken(token));
  }

  /** `lookup` for a token already hashed (the server hashes each request's token once). */
  lookupHash(tokenHash: string): TokenRecord | undefined {
    if (this.audit && !this.reloading && this.now() - this.lastReload >= this.reloadIntervalMs) {
      this.reload(false).catch(() => undefined);
    }
    return this.byHash.get(tokenHash);
  }

  private add(hash: string, record: TokenRecord): void {
    if (this.revoked.has(record.id)) return;
    this.byHash.set(hash, record);
    this.hashOfId.set(record.id, hash);
  }

  /** Reads token entries appended since the last read (by anyone: the CLI writes them too). */
  private reload(force = true): Promise<void> {
    if (!this.audit) return Promise.resolve();
    if (this.reloading) return this.reloading;
    if (!force && this.now() - this.lastReload < this.reloadIntervalMs) return Promise.resolve();
    this.lastReload = this.now();
    const audit = this.audit;
    this.reloading = (async () => {
      for (;;) {
        const page = await audit.list({ action: REVOKED, afterSeq: this.lastRevokedSeq, limit: 1000 });
        for (const e of page) {
          this.lastRevokedSeq = e.seq;
          const id = typeof e.subject === 'string' ? e.subject : undefined;
          if (id === undefined) continue;
          this.revoked.add(id);
          const hash = this.hashOfId.get(id);
          if (hash !== undefined) this.byHash.delete(hash);
        }
        if (page.length < 1000) break;
      }
      for (;;) {
        const page = await audit.list({ action: CREATED, afterSeq: this.lastCreatedSeq, limit: 1000 });
        for (const e of page) {
          this.lastCreatedSeq = e.seq;
          const d = e.details as { id?: unknown; hash?: unknown; scopes?: unknown; label?: unknown } | null | undefined;
          if (!d || typeof d.id !== 'string' || typeof d.hash !== 'string' || !Array.isArray(d.scopes)) continue;
          const tokenScopes = d.scopes.filter((s): s is Scope => (scopes as readonly unknown[]).includes(s));
          if (tokenScopes.length === 0) continue;
          this.add(d.hash, {
            id: d.id, scopes: tokenScopes, createdAt: e.time, createdBy: e.actor, source: 'stored',
            ...(typeof d.label === 'string' ? { label: d.label } : {}),
          });
        }
        if (page.length < 1000) break;
      }
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }
}
