/**
 * `GET /api/v1/heads`: the signal heads of the session's decision core (the scalping service's
 * ensemble) and, when the webhook is on, the TradingView alert head — what each one is, its weight,
 * whether its last vote was faulted, its last vote, and what the session has seen of it so far
 * (votes, directional signals, faults, hit rate of the signals whose horizon has passed).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { externalHeadSchema } from '../../heads/external/external-head.js';
import type { ApiContext } from '../context.js';
import { num } from '../dto.js';
import { addRoute } from '../route.js';
import { maybeNumber, timeMs } from '../schemas/common.js';
import type { HeadActivity } from '../session.js';

const voteStatus = z.enum(['ok', 'abstained', 'faulted']);

export const headSchema = z.object({
  id: z.string(),
  name: z.string().describe('The same as `id`'),
  kind: z.string().describe('technical | orderflow | rules | sentiment | external | ml | …'),
  description: z.string().nullable(),
  weight: maybeNumber.describe('Learned (Hedge) weight in the ensemble; for `tradingview`, its share beside the session heads in webhook decisions'),
  state: z.enum(['running', 'faulted', 'waiting']).describe('`waiting`: no vote yet (warm-up, or no alert yet)'),
  status: z.enum(['ok', 'faulted']).describe('`faulted` when its last vote was faulted (`error` says why)'),
  error: z.string().nullable(),
  votes: z.number().int().describe('Decisions it took part in since the session started'),
  signals: z.number().int().describe('Directional opinions among them'),
  errors: z.number().int().describe('Votes in which it was faulted'),
  resolved: z.number().int().describe('Signals whose horizon has passed'),
  hit_rate: maybeNumber.describe('Share of the resolved signals whose direction matched the move; null before any resolved'),
  calibration: z.object({ method: z.string(), active: z.boolean(), samples: z.number().int() }).nullable(),
  last_signal_at: timeMs.nullable(),
  last_signal: z.object({
    symbol: z.string(), time: timeMs, status: voteStatus, direction: z.number(), confidence: z.number(), weight: z.number(), reason: z.string().nullable(),
    error: z.string().nullable(),
  }).nullable(),
});

export const headsResponse = z.object({
  ensemble: z.string().nullable().describe('The ensemble the heads vote in (`scalping-conservative`), null without a decision core'),
  mode: z.string().nullable().describe('Its consensus mode'),
  heads: z.array(headSchema),
});

interface HeadInfo {
  readonly id: string;
  readonly kind: string;
  readonly description: string | null;
  readonly weight: number | null;
  readonly calibration: { readonly method: string; readonly active: boolean; readonly samples: number } | null;
}

function headDto(info: HeadInfo, a: HeadActivity | undefined) {
  const last = a?.last;
  const faulted = last?.status === 'faulted';
  return {
    id: info.id, name: info.id, kind: info.kind, description: info.description, weight: num(info.weight),
    state: last === undefined ? 'waiting' as const : faulted ? 'faulted' as const : 'running' as const,
    status: faulted ? 'faulted' as const : 'ok' as const, error: faulted ? (last.error ?? 'faulted') : null,
    votes: a?.votes ?? 0, signals: a?.signals ?? 0, errors: a?.faults ?? 0, resolved: a?.resolved ?? 0,
    hit_rate: a && a.resolved > 0 ? a.hits / a.resolved : null, calibration: info.calibration,
    last_signal_at: last?.time ?? null,
    last_signal: last
      ? { symbol: last.symbol, time: last.time, status: last.status, direction: last.direction, confidence: last.confidence, weight: last.weight, reason: last.reason === '' ? null : last.reason, error: last.error ?? null }
      : null,
  };
}

export function registerHeadRoutes(app: FastifyInstance, ctx: ApiContext): void {
  addRoute(app, {
    method: 'GET', url: '/api/v1/heads', scope: 'read', tags: ['market data, portfolio, decisions (dashboard)'],
    summary: 'The signal heads: kind, weight, status, last vote, signals and hit rate',
    description: 'The heads of the session\'s decision core (the scalping service\'s ensemble) in panel order, then `tradingview` (the webhook\'s alerts) when the webhook is on. Counts are since the session started; a signal is scored at its horizon with the close of the first bar at or after it.',
    response: { 200: headsResponse },
    handler: async () => {
      const session = ctx.session;
      const scalping = session?.scalping;
      const core = scalping?.core;
      const activity = (id: string): HeadActivity | undefined => session?.headActivity.get(id);
      const weights = core?.weights() ?? {};
      const infos: HeadInfo[] = core
        ? core.panel.heads.map((h) => {
          const c = core.calibrations.get(h.id);
          return { id: h.id, kind: h.kind, description: h.description ?? null, weight: weights[h.id] ?? null, calibration: c ? { method: c.method, active: c.active, samples: c.samples } : null };
        })
        // Set up when the kernel starts; until then the configured heads (id = kind).
        : (scalping?.config.heads ?? []).map((id) => ({ id, kind: id, description: null, weight: null, calibration: null }));
      const heads = infos.map((info) => headDto(info, activity(info.id)));
      if (session && ctx.config.tradingview.passphrase) {
        const external = externalHeadSchema.parse({});
        heads.push(headDto({
          id: external.id, kind: 'external',
          description: `TradingView alerts through POST /api/v1/ai/tradingview/webhook: buy +1, sell −1, close 0, at the alert's confidence (default ${external.confidence}), one more vote beside the session heads`,
          weight: scalping ? 1 / (infos.length + 1) : null, calibration: null,
        }, activity(external.id)));
      }
      return Promise.resolve({ ensemble: core?.name ?? null, mode: core?.consensus.mode ?? null, heads });
    },
  });
}
