/** Health, system status (components, feed, counters), identity, audit log. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { plain } from '../dto.js';
import { addRoute } from '../route.js';
import { healthSchema } from '../schemas/common.js';
import { auditQuery, auditResponse, systemStatusResponse, whoamiResponse } from '../schemas/system.js';

export function registerSystemRoutes(app: FastifyInstance, ctx: ApiContext, decisionCore: () => { available: boolean; detail: string | null }): void {
  const tags = ['system'];

  addRoute(app, {
    method: 'GET', url: '/api/health', scope: 'public', tags, summary: 'Liveness (no token needed)', response: { 200: healthSchema },
    handler: async () => Promise.resolve({ status: 'ok' as const }),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/system/status', scope: 'read', tags,
    summary: 'Mode, components, feed health, request and stream counters, jobs',
    description: '`http.rejected` counts every request turned away, by reason (validation_failed, malformed_json, payload_too_large, unauthorized, forbidden, rate_limited, unknown_symbol, webhook_passphrase, …).',
    response: { 200: systemStatusResponse },
    handler: async () => {
      const { session, metrics } = ctx;
      const now = Date.now();
      const counts = await ctx.jobs.counts().catch(() => ({ queued: 0, running: 0 }));
      const progress = session?.feed.progress;
      const components = session ? session.components() : [];
      const lastBarTime = progress && Number.isFinite(progress.time) ? progress.time : null;
      return {
        mode: ctx.config.mode,
        live_enabled: ctx.config.live.enabled,
        started_at: ctx.startedAt,
        uptime_ms: now - ctx.startedAt,
        session: session ? {
          state: session.node.lifecycle.current.state, strategy: session.strategyName, params: plain(session.params) as Record<string, unknown>,
          symbols: [...session.symbols], timeframe: session.timeframe,
          replay: { delivered: progress!.delivered, total: progress!.total, speed: session.feed.speed, time: lastBarTime },
          fault: session.faultReason ?? null,
        } : null,
        components: components.map((c) => ({ name: c.name, state: c.state, reason: c.reason ?? null, since: c.since })),
        feed: session ? {
          state: session.feed.lifecycle.current.state, bars_received: session.barRate.total, bars_per_second: session.barRate.perSecond(),
          last_bar_time: lastBarTime, last_bar_received_at: session.lastBarAt ?? null,
        } : null,
        http: {
          requests: metrics.requests, requests_per_second: metrics.requestRate.perSecond(), responses: { ...metrics.byStatusClass },
          rejected: metrics.rejectedCounts(), latency_ms: metrics.latency.percentiles(),
        },
        ws: { clients: ctx.hub.size, messages_sent: metrics.wsMessagesSent, messages_dropped: metrics.wsMessagesDropped },
        events: { total: metrics.events.total, per_second: metrics.events.perSecond() },
        jobs: { queue: ctx.jobs.kind, ...counts },
        storage: ctx.storage ? { dialect: ctx.storage.dialect, url: ctx.storage.url, journal_failures: session?.journalFailures ?? 0 } : null,
        decision_core: decisionCore(),
        notifications: { telegram: ctx.notifier.telegram, webhook: ctx.notifier.webhook },
      };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/auth/whoami', scope: 'read', tags, summary: 'The calling token\'s id and scopes', response: { 200: whoamiResponse },
    handler: async ({ caller }) => Promise.resolve({ token_id: caller!.id, scopes: [...caller!.scopes], label: caller!.label ?? null, source: caller!.source }),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/audit', scope: 'admin', tags, summary: 'The audit log, newest first', querystring: auditQuery, response: { 200: auditResponse },
    handler: async ({ query }) => {
      if (!ctx.storage) return { entries: [] };
      // The log is read oldest first in pages; keep the last `limit`.
      const kept: Awaited<ReturnType<typeof ctx.storage.audit.list>> = [];
      let after = 0;
      for (;;) {
        const page = await ctx.storage.audit.list({ afterSeq: after, limit: 5000, ...(query.action ? { action: query.action } : {}) });
        for (const e of page) {
          kept.push(e);
          if (kept.length > query.limit) kept.shift();
        }
        if (page.length < 5000) break;
        after = page[page.length - 1]!.seq;
      }
      return { entries: kept.reverse().map((e) => ({ seq: e.seq, time: e.time, actor: e.actor, action: e.action, subject: e.subject ?? null, details: e.details ?? null })) };
    },
  });
}
