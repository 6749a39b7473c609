/** Small pieces the route files share: the session, symbols, live-mode checks, audit records. */
import type { JsonValue } from '../../storage/port.js';
import type { ApiContext } from '../context.js';
import { HttpError, unavailable, unknownSymbol } from '../errors.js';
import type { Caller } from '../route.js';
import type { TradingSession } from '../session.js';

/** The running session, or 503 when the server runs without one. */
export function requireSession(ctx: ApiContext): TradingSession {
  if (!ctx.session) throw unavailable('no trading session runs on this server');
  return ctx.session;
}

/** A session that still trades (its feed has not ended), or 409. */
export function requireTradingSession(ctx: ApiContext): TradingSession {
  const session = requireSession(ctx);
  const state = session.node.lifecycle.current.state;
  if (state !== 'running' && state !== 'degraded') {
    throw new HttpError(409, 'conflict', `the ${session.mode} session is ${state}${session.faultReason ? ` (${session.faultReason})` : state === 'stopped' ? ' (its data ran out)' : ''}; orders are not accepted`);
  }
  return session;
}

/**
 * The session's symbol that `text` names: exactly, or ignoring case and separators
 * (`BTC-USDT`, `btcusdt` → `BTC/USDT`). 404 `unknown_symbol` otherwise.
 */
export function resolveSymbol(session: TradingSession, text: string, field = 'symbol'): string {
  const symbols = session.symbols;
  if (symbols.includes(text)) return text;
  const squash = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const key = squash(text);
  const match = symbols.find((s) => squash(s) === key) ?? symbols.find((s) => squash(s.split(':')[0]!) === key);
  if (match === undefined) throw unknownSymbol(text, symbols, field);
  return match;
}

/** Refuses `mode: live` unless the server runs with live trading enabled, and a mode the server does not trade. */
export function checkMode(ctx: ApiContext, requested: 'paper' | 'live' | undefined): void {
  if (requested === undefined) return;
  if (requested === 'live' && !(ctx.config.live.enabled && ctx.config.mode === 'live')) {
    throw new HttpError(403, 'live_disabled', 'live trading is not enabled on this server (set mode: live and live.enabled: true in the config, with credentials in the environment); paper is the default');
  }
  if (requested === 'paper' && ctx.config.mode === 'live') throw new HttpError(409, 'conflict', 'this server trades live; it has no paper account');
}

/** `token:<id>` — the audit log's actor for a caller (never the token itself). */
export function actorOf(caller: Caller | undefined): string {
  return caller ? `token:${caller.id}` : 'anonymous';
}

/** Records who did what; awaited, so a state change is on record before it is acknowledged. */
export async function audit(ctx: ApiContext, caller: Caller | undefined, action: string, subject: string, details: JsonValue): Promise<void> {
  if (!ctx.storage) return;
  try {
    await ctx.storage.audit.append({ time: Date.now(), actor: actorOf(caller), action, subject, details });
  } catch (error) {
    ctx.logger.error({ err: error, action }, 'audit write failed');
  }
}
