/**
 * The volume and order-flow head: who is pushing, and how hard.
 *
 * - flow `f` = clip(2 · signed volume ratio over `window` bars): Σ sign(Δclose)·volume / Σ volume,
 *   the OBV's change per unit of volume (feature `signed_volume_ratio_<window>`);
 * - VWAP `v` = tanh((close − rolling VWAP) / ATR): price acceptance above or below the volume-weighted price;
 * - anomaly `a` = sign(close − open) · clip((z − 1) / 3, 0, 1) when the volume z-score z ≥ `spikeZ`,
 *   else 0: a volume spike in the direction of its bar;
 * - book `b` = order-book imbalance over the top `bookDepth` levels (bids − asks)/(bids + asks),
 *   only when a book no older than `maxBookAgeMs` is there.
 *
 * score = 0.4·f + 0.25·v + 0.35·a without a book; 0.3·f + 0.2·v + 0.2·a + 0.3·b with one. The head
 * speaks when |score| ≥ `minScore`; raw confidence 0.5 + 0.4·|score|.
 */
import { z } from 'zod';
import { bookImbalance } from '../../model/market.js';
import { clamp, horizonOf, parseOptions, signed } from '../config.js';
import { roundInput, type HeadContext, type Signal, type SignalHead } from '../signal.js';

export const orderFlowHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('orderflow'),
  /** Bars in the signed-volume ratio, the rolling VWAP and the volume z-score (20 uses the default feature set's columns). */
  window: z.number().int().min(2).default(20),
  /** ATR period that scales the VWAP distance. */
  atrPeriod: z.number().int().min(1).default(14),
  /** Volume z-score from which a bar counts as a spike. */
  spikeZ: z.number().positive().default(2),
  /** Book levels summed on each side. */
  bookDepth: z.number().int().min(1).default(10),
  /** A book older than this (ms) is ignored; default: one bar. */
  maxBookAgeMs: z.number().positive().optional(),
  /** Smallest |score| at which the head gives a signal. */
  minScore: z.number().min(0).max(1).default(0.15),
  /** The signal's horizon in bars. */
  horizonBars: z.number().int().min(1).default(4),
});

export type OrderFlowHeadOptions = z.input<typeof orderFlowHeadSchema>;

/**
 * @example
 * const head = orderFlowHead({ spikeZ: 2.5 });
 */
export function orderFlowHead(options: OrderFlowHeadOptions = {}): SignalHead {
  const o = parseOptions(orderFlowHeadSchema, options, 'heads.orderflow');
  const w = o.window;
  return {
    id: o.id,
    kind: 'orderflow',
    description: `signed volume (OBV slope) over ${w} bars, distance to the ${w}-bar VWAP, volume spikes (z ≥ ${o.spikeZ}), book imbalance when a book is there`,
    requires: {
      indicators: {
        vwap: { name: 'vwap_rolling', params: { period: w } },
        atr: { name: 'atr', params: { period: o.atrPeriod } },
      },
      features: {
        signedVolume: { kind: 'volume', measure: 'signed_ratio', window: w },
        volumeZ: { kind: 'volume', measure: 'zscore', window: w },
      },
    },
    evaluate(ctx: HeadContext): Signal | undefined {
      const signedVolume = ctx.feature('signedVolume');
      const volumeZ = ctx.feature('volumeZ');
      const vwap = ctx.indicator('vwap');
      const atr = ctx.indicator('atr');
      if (!(atr > 0) || !Number.isFinite(signedVolume + vwap)) return undefined;
      const bar = ctx.bar;
      const flow = clamp(2 * signedVolume);
      const vwapTerm = Math.tanh((bar.close - vwap) / atr);
      const spike = Number.isFinite(volumeZ) && volumeZ >= o.spikeZ;
      const anomaly = spike ? Math.sign(bar.close - bar.open) * clamp((volumeZ - 1) / 3, 0, 1) : 0;
      const book = ctx.book;
      const maxAge = o.maxBookAgeMs ?? horizonOf(1, ctx.timeframe);
      const fresh = book !== undefined && ctx.time - book.time <= maxAge && book.bids.length > 0 && book.asks.length > 0;
      const imbalance = fresh ? bookImbalance(book, o.bookDepth) : Number.NaN;
      const score = fresh
        ? 0.3 * flow + 0.2 * vwapTerm + 0.2 * anomaly + 0.3 * imbalance
        : 0.4 * flow + 0.25 * vwapTerm + 0.35 * anomaly;
      if (!(Math.abs(score) >= o.minScore) || score === 0) return undefined;
      return {
        direction: clamp(score),
        confidence: 0.5 + 0.4 * Math.min(1, Math.abs(score)),
        horizonMs: horizonOf(o.horizonBars, ctx.timeframe),
        reason: `${score > 0 ? 'buying' : 'selling'} pressure ${signed(score)}: signed volume ${signed(signedVolume)}, close ${signed((bar.close - vwap) / atr)} ATR from VWAP${spike ? `, volume spike z ${volumeZ.toFixed(1)} on a ${bar.close >= bar.open ? 'green' : 'red'} bar` : ''}${fresh ? `, book imbalance ${signed(imbalance)}` : ', no book'}`,
        inputs: {
          signedVolume: roundInput(signedVolume), volumeZ: roundInput(volumeZ), vwap: roundInput(vwap), atr: roundInput(atr),
          flow: roundInput(flow), vwapTerm: roundInput(vwapTerm), anomaly: roundInput(anomaly), bookImbalance: roundInput(imbalance),
        },
      };
    },
  };
}
