/**
 * The technical head: confluence of trend, momentum and mean reversion, weighed by the regime.
 *
 * - trend `t` = tanh((EMA_fast − EMA_slow) / ATR): how many ATRs the fast average leads the slow one;
 * - momentum `m` = ½·clip((RSI − 50) / 20) + ½·tanh(2·MACD histogram / ATR);
 * - mean reversion `r` = −clip(2·(%B − ½)) when the close is outside the inner 80% of the
 *   Bollinger band (%B > 0.9 or < 0.1), else 0;
 * - regime `s` = clip((ADX − 20) / 15, 0, 1): 0 in a range, 1 in a strong trend.
 *
 * score = s·(0.6·t + 0.4·m) + (1 − s)·(0.6·r + 0.4·m). The head speaks when |score| ≥ `minScore`:
 * direction = score, raw confidence = 0.5 + 0.45·|score|·(0.5 + 0.5·agreement), where agreement is
 * the share of the three components on the score's side. Raw confidences are not probabilities;
 * the consensus calibrates them from the head's record.
 */
import { z } from 'zod';
import { clamp, horizonOf, parseOptions, signed } from '../config.js';
import { roundInput, type HeadContext, type Signal, type SignalHead } from '../signal.js';

export const technicalHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('technical'),
  /** Fast EMA period (trend). */
  fastPeriod: z.number().int().min(2).default(20),
  /** Slow EMA period (trend). */
  slowPeriod: z.number().int().min(3).default(50),
  /** RSI period (momentum). */
  rsiPeriod: z.number().int().min(2).default(14),
  /** ADX period (regime). */
  adxPeriod: z.number().int().min(2).default(14),
  /** Bollinger period (mean reversion). */
  bandPeriod: z.number().int().min(2).default(20),
  /** ATR period (scale of the trend and MACD terms). */
  atrPeriod: z.number().int().min(1).default(14),
  /** Smallest |score| at which the head gives a signal. */
  minScore: z.number().min(0).max(1).default(0.15),
  /** The signal's horizon in bars. */
  horizonBars: z.number().int().min(1).default(4),
}).refine((o) => o.fastPeriod < o.slowPeriod, { message: 'fastPeriod must be below slowPeriod', path: ['fastPeriod'] });

export type TechnicalHeadOptions = z.input<typeof technicalHeadSchema>;

/**
 * @example
 * const head = technicalHead({ fastPeriod: 10, slowPeriod: 40 });
 */
export function technicalHead(options: TechnicalHeadOptions = {}): SignalHead {
  const o = parseOptions(technicalHeadSchema, options, 'heads.technical');
  return {
    id: o.id,
    kind: 'technical',
    description: `trend (EMA ${o.fastPeriod}/${o.slowPeriod}), momentum (RSI ${o.rsiPeriod}, MACD), mean reversion (Bollinger ${o.bandPeriod}) weighed by ADX ${o.adxPeriod}`,
    requires: {
      indicators: {
        fast: { name: 'ema', params: { period: o.fastPeriod } },
        slow: { name: 'ema', params: { period: o.slowPeriod } },
        rsi: { name: 'rsi', params: { period: o.rsiPeriod } },
        adx: { name: 'adx', params: { period: o.adxPeriod } },
        macdHist: { name: 'macd', line: 'histogram' },
        percentB: { name: 'bbands', params: { period: o.bandPeriod }, line: 'percentB' },
        atr: { name: 'atr', params: { period: o.atrPeriod } },
      },
    },
    evaluate(ctx: HeadContext): Signal | undefined {
      const fast = ctx.indicator('fast');
      const slow = ctx.indicator('slow');
      const rsi = ctx.indicator('rsi');
      const adx = ctx.indicator('adx');
      const hist = ctx.indicator('macdHist');
      const pctB = ctx.indicator('percentB');
      const atr = ctx.indicator('atr');
      if (!(atr > 0) || !Number.isFinite(fast + slow + rsi + adx + hist + pctB)) return undefined;
      const trend = Math.tanh((fast - slow) / atr);
      const momentum = 0.5 * clamp((rsi - 50) / 20) + 0.5 * Math.tanh((2 * hist) / atr);
      const reversion = pctB > 0.9 || pctB < 0.1 ? -clamp(2 * (pctB - 0.5)) : 0;
      const regime = clamp((adx - 20) / 15, 0, 1);
      const score = clamp(regime * (0.6 * trend + 0.4 * momentum) + (1 - regime) * (0.6 * reversion + 0.4 * momentum));
      if (!(Math.abs(score) >= o.minScore) || score === 0) return undefined;
      const side = Math.sign(score);
      const agreement = [trend, momentum, reversion].filter((c) => Math.sign(c) === side).length / 3;
      const confidence = 0.5 + 0.45 * Math.abs(score) * (0.5 + 0.5 * agreement);
      return {
        direction: score,
        confidence,
        horizonMs: horizonOf(o.horizonBars, ctx.timeframe),
        reason: `${score > 0 ? 'long' : 'short'} ${signed(score)}: trend ${signed(trend)} (EMA${o.fastPeriod} ${fast > slow ? 'above' : 'below'} EMA${o.slowPeriod} by ${Math.abs((fast - slow) / atr).toFixed(2)} ATR), momentum ${signed(momentum)} (RSI ${rsi.toFixed(1)}), mean reversion ${signed(reversion)} (%B ${pctB.toFixed(2)}), ADX ${adx.toFixed(1)} → ${regime >= 0.5 ? 'trending' : 'ranging'}`,
        inputs: {
          emaFast: roundInput(fast), emaSlow: roundInput(slow), rsi: roundInput(rsi), adx: roundInput(adx), macdHistogram: roundInput(hist),
          percentB: roundInput(pctB), atr: roundInput(atr), trend: roundInput(trend), momentum: roundInput(momentum), reversion: roundInput(reversion),
          regime: roundInput(regime), agreement: roundInput(agreement),
        },
      };
    },
  };
}
