/**
 * The external head: the latest TradingView alert for the symbol received in the last
 * `maxAgeMs` (and at or before the decision time) becomes a signal — `buy`/`long` +1,
 * `sell`/`short` −1, `close`/`exit` 0 — with the alert's own confidence, or `confidence` when it
 * gives none. Older alerts are stale and the head abstains.
 */
import { z } from 'zod';
import { horizonOf, parseOptions } from '../config.js';
import type { HeadContext, Signal, SignalHead, SignalInput } from '../signal.js';
import type { TradingViewInbox } from './tradingview.js';

export const externalHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('tradingview'),
  /** Alerts older than this (ms) are ignored. Default 4 h. */
  maxAgeMs: z.number().positive().default(4 * 3_600_000),
  /** Confidence of an alert that states none. */
  confidence: z.number().min(0).max(1).default(0.65),
  /** Only alerts from these TradingView strategies (all when empty). */
  strategies: z.array(z.string()).default([]),
  /** The signal's horizon in bars. */
  horizonBars: z.number().int().min(1).default(4),
});

export type ExternalHeadOptions = z.input<typeof externalHeadSchema> & { readonly inbox: TradingViewInbox };

/**
 * @example
 * const inbox = new TradingViewInbox();
 * const head = externalHead({ inbox, maxAgeMs: 3_600_000 });
 */
export function externalHead(options: ExternalHeadOptions): SignalHead {
  const { inbox, ...rest } = options;
  const o = parseOptions(externalHeadSchema, rest, 'heads.external');
  return {
    id: o.id,
    kind: 'external',
    description: `TradingView alerts up to ${o.maxAgeMs / 60_000} min old${o.strategies.length > 0 ? ` from ${o.strategies.join(', ')}` : ''}`,
    evaluate(ctx: HeadContext): Signal | undefined {
      const alerts = inbox.alerts(ctx.symbol, ctx.time - o.maxAgeMs, ctx.time).filter((a) => o.strategies.length === 0 || (a.strategy !== undefined && o.strategies.includes(a.strategy)));
      const alert = alerts[alerts.length - 1];
      if (!alert) return undefined;
      const inputs: Record<string, SignalInput> = { alertId: alert.id, action: alert.action, receivedAt: alert.receivedAt };
      if (alert.price !== undefined) inputs.price = alert.price;
      if (alert.strategy !== undefined) inputs.strategy = alert.strategy;
      if (alert.timeframe !== undefined) inputs.timeframe = alert.timeframe;
      for (const [k, v] of Object.entries(alert.indicators ?? {})) inputs[`indicator.${k}`] = v;
      const ageMin = Math.round((ctx.time - alert.receivedAt) / 60_000);
      return {
        direction: alert.direction,
        confidence: alert.confidence ?? o.confidence,
        horizonMs: horizonOf(o.horizonBars, ctx.timeframe),
        reason: `TradingView ${alert.action}${alert.strategy ? ` from ${alert.strategy}` : ''}${alert.timeframe ? ` on ${alert.timeframe}` : ''}${alert.price !== undefined ? ` at ${alert.price}` : ''}, ${ageMin} min ago`,
        inputs,
      };
    },
  };
}
