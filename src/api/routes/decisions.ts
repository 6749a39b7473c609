/** Stored decisions with every head's vote (MISSION §2 `decisions/recent`, the dashboard's list). */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { decisionDto } from '../dto.js';
import { notFound } from '../errors.js';
import { addRoute } from '../route.js';
import { idParams } from '../schemas/common.js';
import { decisionSchema, decisionsQuery, decisionsResponse, recentDecisionsQuery, recentDecisionsResponse } from '../schemas/decisions.js';

export function registerDecisionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  addRoute(app, {
    method: 'GET', url: '/api/ai/decisions/recent', scope: 'read', tags: ['monitoring (MISSION §2)'], summary: 'Recent decisions with their votes, newest first',
    querystring: recentDecisionsQuery, response: { 200: recentDecisionsResponse },
    // Polled by every dashboard and bot: one read per URL per 250 ms, however many ask (docs/api.md, "Speed").
    cache: { ttlMs: 250 },
    handler: async ({ query }) => {
      const rows = ctx.storage ? await ctx.storage.decisions.list({ limit: query.limit, ...(query.symbol ? { symbol: query.symbol } : {}) }) : [];
      return { count: rows.length, decisions: rows.map(decisionDto) };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/decisions', scope: 'read', tags: ['decisions'], summary: 'Decisions with every head\'s vote, newest first',
    querystring: decisionsQuery, response: { 200: decisionsResponse },
    handler: async ({ query }) => {
      const rows = ctx.storage
        ? await ctx.storage.decisions.list({ limit: query.limit, ...(query.symbol ? { symbol: query.symbol } : {}), ...(query.strategy ? { strategy: query.strategy } : {}) })
        : [];
      return { decisions: rows.map(decisionDto) };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/decisions/:id', scope: 'read', tags: ['decisions'], summary: 'One decision with its votes', params: idParams, response: { 200: decisionSchema },
    handler: async ({ params }) => {
      const d = ctx.storage ? await ctx.storage.decisions.get(params.id) : undefined;
      if (!d) throw notFound(`no decision ${params.id}`);
      return decisionDto(d);
    },
  });
}
