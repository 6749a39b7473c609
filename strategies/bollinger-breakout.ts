/**
 * Bollinger breakout: enter long on a close above the upper band (momentum breaking out of its
 * recent range), exit on a close below the middle band. Bands are the SMA of closes ± `stdDev`
 * population standard deviations, as TA-Lib and TradingView draw them.
 */
import { BollingerBands, defineStrategy, z } from 'arbiter/strategy';

export default defineStrategy({
  name: 'bollinger-breakout',
  description: 'Enter on a close above the upper Bollinger band, exit on a close below the middle band',
  params: z.strictObject({
    /** Bars in the moving average and the standard deviation. */
    period: z.number().int().min(2).default(20),
    /** Band width in standard deviations. */
    stdDev: z.number().positive().default(2),
  }),
  warmup: (p) => p.period,
  setup({ params, symbols }) {
    const bandsOf = new Map(symbols.map((s) => [s, new BollingerBands({ period: params.period, stdDev: params.stdDev })]));
    return {
      onBar(bar, ctx) {
        const bands = bandsOf.get(bar.symbol)!;
        bands.update(bar.close);
        if (!bands.isReady) return;
        const flat = ctx.position().side === 'flat';
        if (flat && bar.close > bands.upper) ctx.enterLong({ tag: 'bb_breakout' });
        else if (!flat && bar.close < bands.middle) ctx.exitLong();
      },
    };
  },
});
