/**
 * `/ws`: authentication (header, `?token=`, or a first `{"op":"auth"}` frame within 5 s), topic
 * subscriptions, and the wiring from the session's bus and the job queue to the hub.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { bearerToken, grants } from '../auth/tokens.js';
import type { ApiContext } from '../context.js';
import { toDecisionRecord } from '../../consensus/decision.js';
import { decisionDto, fillDto, orderEventDto, positionDto, riskEventDto } from '../dto.js';
import type { RejectReason } from '../metrics.js';
import type { Caller } from '../route.js';
import { isWsTopic, wsTopics, type WsTopic } from '../ws.js';
import { jobDto } from './backtests.js';

const AUTH_TIMEOUT_MS = 5000;

function parseTopics(text: string | undefined): WsTopic[] | string {
  if (text === undefined || text.trim() === '') return [...wsTopics];
  const list = text.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = list.find((t) => !isWsTopic(t));
  return bad !== undefined ? bad : (list as WsTopic[]);
}

export function registerWebSocket(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/ws', { websocket: true, config: { scope: 'public' }, schema: { hide: true } }, (socket: WebSocket, request) => {
    const query = request.query as Record<string, string | undefined>;
    const topics = parseTopics(query.topics);
    const refuse = (code: number, message: string, reason: RejectReason): void => {
      ctx.metrics.reject(reason);
      socket.send(JSON.stringify({ topic: 'error', data: { message } }));
      socket.close(code, message.slice(0, 120));
    };
    if (typeof topics === 'string') {
      refuse(1008, `unknown topic "${topics}"; topics: ${wsTopics.join(', ')}`, 'validation_failed');
      return;
    }
    let client: ReturnType<typeof ctx.hub.add> | undefined;
    const admit = (caller: Caller): void => {
      if (!grants(caller.scopes, 'read')) {
        refuse(1008, 'this needs a token with the read scope', 'forbidden');
        return;
      }
      client = ctx.hub.add(socket, caller, topics);
      ctx.hub.sendTo(client, 'hello', { token_id: caller.id, topics });
    };
    const tryToken = async (token: string | undefined): Promise<boolean> => {
      const caller = token ? await ctx.tokens.verify(token) : undefined;
      if (!caller) return false;
      admit(caller);
      return true;
    };

    socket.on('close', () => {
      if (client) ctx.hub.remove(client);
    });
    socket.on('error', () => {
      if (client) ctx.hub.remove(client);
    });

    const initial = bearerToken(request.headers.authorization) ?? query.token;
    let timer: NodeJS.Timeout | undefined;
    if (initial !== undefined) {
      void tryToken(initial).then((ok) => {
        if (!ok) refuse(1008, 'unknown or revoked token', 'unauthorized');
      });
    } else {
      timer = setTimeout(() => {
        if (!client) refuse(1008, `no token: send {"op":"auth","token":"…"} within ${AUTH_TIMEOUT_MS / 1000} s, or connect with ?token=`, 'unauthorized');
      }, AUTH_TIMEOUT_MS);
      timer.unref();
    }

    socket.on('message', (data, isBinary) => {
      let frame: { op?: unknown; token?: unknown; topics?: unknown };
      try {
        frame = JSON.parse(isBinary || !Buffer.isBuffer(data) ? '' : data.toString('utf8')) as typeof frame;
        if (typeof frame !== 'object' || frame === null) throw new Error('not an object');
      } catch {
        ctx.metrics.reject('malformed_json');
        socket.send(JSON.stringify({ topic: 'error', data: { message: 'frames are JSON objects: {"op":"subscribe","topics":["candles"]}' } }));
        return;
      }
      if (frame.op === 'auth') {
        if (client) return;
        clearTimeout(timer);
        void tryToken(typeof frame.token === 'string' ? frame.token : undefined).then((ok) => {
          if (!ok) refuse(1008, 'unknown or revoked token', 'unauthorized');
        });
        return;
      }
      if (!client) {
        socket.send(JSON.stringify({ topic: 'error', data: { message: 'authenticate first: {"op":"auth","token":"…"}' } }));
        return;
      }
      if (frame.op === 'ping') {
        ctx.hub.sendTo(client, 'pong', { time: Date.now() });
        return;
      }
      if (frame.op === 'subscribe' || frame.op === 'unsubscribe') {
        const list: unknown[] = Array.isArray(frame.topics) ? (frame.topics as unknown[]) : [];
        const bad = list.find((t) => !isWsTopic(t));
        if (bad !== undefined || list.length === 0) {
          ctx.metrics.reject('validation_failed');
          ctx.hub.sendTo(client, 'error', { message: `topics must be a non-empty list of ${wsTopics.join(', ')}${bad !== undefined ? `; got ${JSON.stringify(bad)}` : ''}` });
          return;
        }
        if (frame.op === 'subscribe') ctx.hub.subscribe(client, list as WsTopic[]);
        else ctx.hub.unsubscribe(client, list as WsTopic[]);
        ctx.hub.sendTo(client, 'subscribed', { topics: [...client.topics] });
        return;
      }
      ctx.hub.sendTo(client, 'error', { message: `unknown op ${JSON.stringify(frame.op)}; use auth, subscribe, unsubscribe, ping` });
    });
  });
}

/**
 * Streams the session's bus and the job queue to `/ws` subscribers. The decisions the session's
 * ensembles make on their own (the scalping service, at each bar close of each symbol; kernel topic
 * `decision`) go to `decisions` as a Decision, and each head's vote in them to `signals`.
 */
export function streamToHub(ctx: ApiContext): void {
  const { hub, session } = ctx;
  ctx.jobs.onUpdate((job, log) => hub.publish('jobs', () => ({ ...jobDto(job), ...(log ? { log } : {}) })));
  if (!session) return;
  const bus = session.kernel.bus;
  bus.subscribe('bar', (bar) => hub.publish('candles', () => ({ symbol: bar.symbol, timeframe: bar.timeframe, time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume })));
  // Positions change only through fills; the portfolio has applied a fill before this handler
  // runs (it subscribes first), so the position read here is the one after it.
  const held = new Map<string, number>();
  bus.subscribe('order', (event) => {
    hub.publish('orders', () => orderEventDto(event));
    if (event.kind !== 'order.filled') return;
    hub.publish('fills', () => fillDto(event.fill));
    const position = session.kernel.portfolio.position(event.symbol);
    const before = held.get(event.symbol) ?? 0;
    held.set(event.symbol, position.quantity);
    const kind = position.quantity === 0 ? 'position.closed' : before === 0 ? 'position.opened' : 'position.changed';
    hub.publish('positions', () => ({ kind, time: event.time, position: positionDto(position) }));
  });
  bus.subscribe('decision', (decision) => {
    hub.publish('decisions', () => decisionDto(toDecisionRecord(decision)));
    if (!hub.wants('signals')) return;
    for (const v of decision.votes) {
      hub.publish('signals', () => ({
        head: v.head, symbol: decision.symbol, time: decision.time, decision_id: decision.id, status: v.status, direction: v.direction, confidence: v.confidence,
        weight: v.weight, horizon_ms: v.status === 'ok' ? v.horizonMs : null, reason: v.reason === '' ? null : v.reason, error: v.error ?? null,
      }));
    }
  });
  bus.subscribe('risk-state', (event) => hub.publish('risk', () => riskEventDto(event)));
  bus.subscribe('risk', (event) => hub.publish('risk', () => ({ kind: event.kind, time: event.time, symbol: event.symbol, check: event.check, reason: event.reason, client_order_id: event.clientOrderId ?? null })));
  bus.subscribe('component', (status) => hub.publish('status', () => ({ name: status.name, state: status.state, reason: status.reason ?? null, since: status.since })));
  let peak = -Infinity;
  bus.subscribe('node.status', (status) => {
    if (status.equity > peak) peak = status.equity;
    hub.publish('pnl', () => {
      const unrealized = status.positions.reduce((sum, p) => sum + (Number.isFinite(p.unrealizedPnl) ? p.unrealizedPnl : 0), 0);
      return {
        time: status.lastBarTime, equity: status.equity, balance: status.balance, unrealized_pnl: unrealized, realized_pnl: status.balance - session.node.cash,
        drawdown: peak > 0 ? status.equity / peak - 1 : 0, positions: status.positions.length, closed_trades: status.closedTrades, steps: status.steps,
      };
    });
  });
}
