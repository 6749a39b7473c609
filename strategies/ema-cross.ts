/**
 * EMA crossover: long when the fast exponential moving average of closes crosses above the slow
 * one, out (or short, with allowShort) when it crosses below. Market orders, so fills happen at
 * the next bar's open; each entry uses all available buying power.
 */
import { Crossover, EMA, defineStrategy, z } from 'arbiter/strategy';

export default defineStrategy({
  name: 'ema-cross',
  description: 'Fast/slow EMA crossover; long-only unless allowShort, which reverses on every cross',
  params: z
    .strictObject({
      /** Bars in the fast exponential moving average. */
      fast: z.number().int().min(1).default(12),
      /** Bars in the slow exponential moving average. */
      slow: z.number().int().min(2).default(26),
      /** Go short on a cross below instead of only leaving the long. */
      allowShort: z.boolean().default(false),
    })
    .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  // The slow EMA's first value needs `slow` closes; a cross needs one more.
  warmup: (p) => p.slow + 1,
  setup({ params, symbols }) {
    // One set of indicators per symbol: each series is averaged on its own.
    const bySymbol = new Map(symbols.map((s) => [s, { fast: new EMA({ period: params.fast }), slow: new EMA({ period: params.slow }), cross: new Crossover() }]));
    return {
      onBar(bar, ctx) {
        const { fast, slow, cross } = bySymbol.get(bar.symbol)!;
        const signal = cross.update(fast.update(bar.close), slow.update(bar.close));
        if (signal === 1) ctx.enterLong();
        else if (signal === -1) {
          if (params.allowShort) ctx.enterShort();
          else ctx.exitLong();
        }
      },
    };
  },
});
