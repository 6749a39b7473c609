/**
 * SMA crossover: long when the fast simple moving average of closes crosses above the slow one,
 * out (or short, with allowShort) when it crosses below. Orders are market orders, so they fill
 * at the next bar's open; each entry uses all available buying power.
 */
import { Crossover, SMA, defineStrategy, z } from 'arbiter/strategy';

export default defineStrategy({
  name: 'sma-cross',
  description: 'Fast/slow SMA crossover; long-only unless allowShort, which reverses on every cross',
  params: z
    .strictObject({
      /** Bars in the fast moving average. */
      fast: z.number().int().min(1).default(10),
      /** Bars in the slow moving average. */
      slow: z.number().int().min(2).default(30),
      /** Go short on a cross below instead of only leaving the long. */
      allowShort: z.boolean().default(false),
    })
    .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  warmup: (p) => p.slow,
  setup({ params, symbols }) {
    // One set of averages per symbol, so several symbols never mix their series.
    const bySymbol = new Map(symbols.map((s) => [s, { fast: new SMA({ period: params.fast }), slow: new SMA({ period: params.slow }), cross: new Crossover() }]));
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
