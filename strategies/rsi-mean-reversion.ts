/**
 * RSI mean reversion: buy when Wilder's RSI of closes falls below `lower` (oversold), sell when it
 * rises above `upper` (overbought). An optional stop-loss uses the built-in exit rules, so it is a
 * real stop order at the venue and fills inside the bar (at the open when the market gaps through).
 */
import { RSI, defineStrategy, z } from 'arbiter/strategy';

export default defineStrategy({
  name: 'rsi-mean-reversion',
  description: 'Buy when RSI < lower, sell when RSI > upper; optional stop-loss',
  params: z
    .strictObject({
      /** Bars in the RSI (Wilder's smoothing). */
      period: z.number().int().min(2).default(14),
      /** Enter long when the RSI closes below this level. */
      lower: z.number().min(0).max(100).default(30),
      /** Exit when the RSI closes above this level. */
      upper: z.number().min(0).max(100).default(70),
      /** Stop-loss as a profit ratio, e.g. -0.05 for 5% below the entry; 0 turns it off. */
      stoploss: z.number().min(-1).max(0).default(0),
    })
    .refine((p) => p.lower < p.upper, { message: 'lower must be below upper', path: ['lower'] }),
  // The RSI's first value comes with close number period + 1.
  warmup: (p) => p.period + 1,
  exits: (p) => (p.stoploss < 0 ? { stoploss: p.stoploss } : {}),
  setup({ params, symbols }) {
    const rsiOf = new Map(symbols.map((s) => [s, new RSI({ period: params.period })]));
    return {
      onBar(bar, ctx) {
        const rsi = rsiOf.get(bar.symbol)!;
        const value = rsi.update(bar.close);
        if (!rsi.isReady) return;
        const flat = ctx.position().side === 'flat';
        if (flat && value < params.lower) ctx.enterLong({ tag: 'rsi_oversold' });
        else if (!flat && value > params.upper) ctx.exitLong();
      },
    };
  },
});
