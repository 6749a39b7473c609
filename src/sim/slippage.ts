/**
 * Slippage models for orders that take liquidity (market and stop orders). Each returns the
 * adverse price move as a fraction of price; the exchange applies it against the order's side and
 * keeps the fill inside the bar's traded range.
 */
import { z } from 'zod';

export const slippageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** A fixed cost in basis points of price. */
  z.strictObject({ kind: z.literal('fixed-bps'), bps: z.number().min(0).max(10_000) }),
  /**
   * Zipline's volume-share model: move = impact × (quantity / bar volume)².
   * Impact 0.1 is zipline's default.
   */
  z.strictObject({ kind: z.literal('volume-share'), impact: z.number().min(0).default(0.1) }),
  /**
   * Square-root market impact (Almgren et al.): move = coefficient × σ × √(quantity / bar volume),
   * where σ is the bar's volatility proxy (high − low) / close. Coefficient ≈ 1 is the usual
   * empirical range (0.5–1.5).
   */
  z.strictObject({ kind: z.literal('sqrt-impact'), coefficient: z.number().min(0).default(1) }),
]);

export type SlippageModel = z.infer<typeof slippageSchema>;

/** Adverse move as a fraction of price for `quantity` traded in a bar with the given data. */
export function slippageFraction(model: SlippageModel, quantity: number, bar: { readonly high: number; readonly low: number; readonly close: number; readonly volume: number }): number {
  switch (model.kind) {
    case 'none':
      return 0;
    case 'fixed-bps':
      return model.bps / 10_000;
    case 'volume-share': {
      if (!(bar.volume > 0)) return 0;
      const share = Math.min(1, quantity / bar.volume);
      return model.impact * share * share;
    }
    case 'sqrt-impact': {
      if (!(bar.volume > 0) || !(bar.close > 0)) return 0;
      const sigma = (bar.high - bar.low) / bar.close;
      return model.coefficient * sigma * Math.sqrt(Math.min(1, quantity / bar.volume));
    }
  }
}

/** Parses the CLI shorthand: `0` / `none`, `5` or `5bps`, `volume-share:0.1`, `sqrt:1`. */
export function parseSlippage(text: string): SlippageModel | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'none' || t === '0') return { kind: 'none' };
  const bps = /^(\d+(?:\.\d+)?)\s*(bps)?$/.exec(t);
  if (bps) return { kind: 'fixed-bps', bps: Number(bps[1]) };
  const vs = /^volume-share(?::(\d+(?:\.\d+)?))?$/.exec(t);
  if (vs) return { kind: 'volume-share', impact: vs[1] === undefined ? 0.1 : Number(vs[1]) };
  const sq = /^sqrt(?:-impact)?(?::(\d+(?:\.\d+)?))?$/.exec(t);
  if (sq) return { kind: 'sqrt-impact', coefficient: sq[1] === undefined ? 1 : Number(sq[1]) };
  return undefined;
}
