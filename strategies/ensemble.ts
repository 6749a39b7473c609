/**
 * The ensemble: several signal heads vote, a consensus weighs them by how well each has done, the
 * Kelly sizer sizes the decision, and the risk engine has the last word on every order.
 *
 * Walk-forward: the first `fitBars` bars after the warm-up only teach — the heads' signals are
 * scored as their horizons pass (Hedge weights, confidence calibration) and the ML head trains on
 * what it saw. Trading starts after that, and the report compares the ensemble with each head
 * alone and with buy-and-hold on those later bars only. See docs/decision-core.md.
 */
import {
  CALIBRATION_METHODS, CONSENSUS_MODES, Ensemble, NewsBuffer, TradingViewInbox, defineStrategy, externalHead, loadNewsFile, mlHead, orderFlowHead,
  replayTradingViewAlerts, rulesHead, rulesSchema, sentimentHead, technicalHead, timeframeMs, withReportSections, z,
  type Decision, type SignalHead, type StrategyContext,
} from 'arbiter/strategy';

const HEADS = ['technical', 'orderflow', 'rules', 'ml', 'sentiment', 'tradingview'] as const;

/** Rules of the rule head when none are given: pull-backs in a trend, and stretched moves against it. */
const DEFAULT_RULES = [
  { name: 'pullback-in-uptrend', when: 'close > ema_50 and rsi_14 < 45', direction: 'long' as const, confidence: 0.65 },
  { name: 'rally-in-downtrend', when: 'close < ema_50 and rsi_14 > 55', direction: 'short' as const, confidence: 0.65 },
  { name: 'oversold-below-band', when: 'close < bbands_20_lower and rsi_14 < 30', direction: 'long' as const, confidence: 0.7 },
  { name: 'overbought-above-band', when: 'close > bbands_20_upper and rsi_14 > 70', direction: 'short' as const, confidence: 0.7 },
];

const params = z.strictObject({
  /** Heads that vote (sentiment needs `newsFile`, tradingview needs `alertsFile`). */
  heads: z.array(z.enum(HEADS)).min(1).default(['technical', 'orderflow', 'rules', 'ml']),
  /** Consensus mode: quorum, weighted or unanimous. */
  mode: z.enum(CONSENSUS_MODES).default('weighted'),
  /** Quorum mode: heads that must agree. */
  quorum: z.number().int().min(1).default(3),
  /** Lowest calibrated confidence that counts. */
  minConfidence: z.number().min(0).max(1).default(0.52),
  /** Confidence for full size (half size at minConfidence). */
  targetConfidence: z.number().min(0).max(1).default(0.6),
  /** Weighted mode: smallest |score|. */
  minScore: z.number().min(0).max(1).default(0.15),
  /** Walk-forward: bars after the warm-up used only to learn (no trading). */
  fitBars: z.number().int().min(0).default(250),
  /** Signal horizon of the built-in heads, in bars. */
  horizonBars: z.number().int().min(1).default(4),
  /** Exit a position after this many bars (0: hold until the consensus turns). */
  maxHoldBars: z.number().int().min(0).default(12),
  /** Open short positions on a short consensus (off: a short consensus only closes longs). */
  allowShort: z.boolean().default(false),
  /** Share of full Kelly. */
  kellyFraction: z.number().gt(0).max(1).default(0.25),
  /** Largest position as a fraction of equity. */
  maxPositionFraction: z.number().gt(0).max(1).default(0.2),
  /** Hedge learning rate. */
  eta: z.number().positive().max(10).default(0.1),
  /** Hedge forgetting per update (1 = none). */
  decay: z.number().gt(0).max(1).default(0.99),
  /** Confidence calibration. */
  calibration: z.enum(CALIBRATION_METHODS).default('isotonic'),
  /** Outcomes before a head's calibration is used. */
  calibrationSamples: z.number().int().min(5).default(50),
  /** Rules of the rule head. */
  rules: rulesSchema.default(DEFAULT_RULES),
  /** News file (JSON, JSON lines, RSS, Atom) for the sentiment head; empty for none. */
  newsFile: z.string().default(''),
  /** Recorded TradingView alerts (JSON array with receivedAt) for the tradingview head; empty for none. */
  alertsFile: z.string().default(''),
  /** Stop-loss as a profit ratio (e.g. -0.03); 0 turns it off. */
  stoploss: z.number().min(-1).max(0).default(0),
  /** Fee per unit of position change in the report's like-for-like comparison. */
  comparisonFee: z.number().min(0).max(0.1).default(0.001),
});

type Params = z.output<typeof params>;

function buildHeads(p: Params, timeframe: string): SignalHead[] {
  return p.heads.map((kind): SignalHead => {
    switch (kind) {
      case 'technical':
        return technicalHead({ horizonBars: p.horizonBars });
      case 'orderflow':
        return orderFlowHead({ horizonBars: p.horizonBars });
      case 'rules':
        return rulesHead({ timeframe, rules: p.rules, horizonBars: p.horizonBars });
      case 'ml':
        return mlHead({ train: { horizonBars: p.horizonBars } });
      case 'sentiment':
        if (p.newsFile === '') throw new Error('the sentiment head needs newsFile=<file>');
        return sentimentHead({ news: new NewsBuffer(loadNewsFile(p.newsFile)) });
      case 'tradingview': {
        if (p.alertsFile === '') throw new Error('the tradingview head needs alertsFile=<file>');
        const inbox = new TradingViewInbox();
        replayTradingViewAlerts(inbox, p.alertsFile);
        return externalHead({ inbox, horizonBars: p.horizonBars });
      }
    }
  });
}

/** Per run (keyed by the run's params object): what the report needs at the end. */
const runs = new WeakMap<object, () => Readonly<Record<string, unknown>>>();

function act(decision: Decision, ctx: StrategyContext, ensemble: Ensemble): void {
  switch (decision.action) {
    case 'buy':
      ensemble.executed(decision, ctx.enterLong({ size: { base: decision.size!.quantity }, tag: decision.id }));
      return;
    case 'sell':
      ensemble.executed(decision, ctx.enterShort({ size: { base: decision.size!.quantity }, tag: decision.id }));
      return;
    case 'close':
      ensemble.executed(decision, decision.side === 'sell' ? ctx.exitLong({ reason: 'consensus' }) : ctx.exitShort({ reason: 'consensus' }));
      return;
    case 'hold':
      return;
  }
}

const ensembleStrategy = defineStrategy({
  name: 'ensemble',
  description: 'Signal heads vote, a consensus with learned weights and calibrated confidences decides, ¼ Kelly sizes; walk-forward report per head',
  params: params
    .refine((p) => p.targetConfidence >= p.minConfidence, { message: 'targetConfidence must be at least minConfidence', path: ['targetConfidence'] })
    .refine((p) => !p.heads.includes('sentiment') || p.newsFile !== '', { message: 'the sentiment head needs a news file: newsFile=<file>', path: ['newsFile'] })
    .refine((p) => !p.heads.includes('tradingview') || p.alertsFile !== '', { message: 'the tradingview head needs an alerts file: alertsFile=<file>', path: ['alertsFile'] }),
  exits: (p) => (p.stoploss < 0 ? { stoploss: p.stoploss } : {}),
  setup({ params: p, timeframe }) {
    const ensemble = new Ensemble({
      name: 'ensemble',
      heads: buildHeads(p, timeframe),
      timeframe,
      consensus: { mode: p.mode, quorum: Math.min(p.quorum, p.heads.length), minConfidence: p.minConfidence, targetConfidence: p.targetConfidence, minScore: p.minScore },
      learning: { eta: p.eta, decay: p.decay, calibration: p.calibration, minSamples: p.calibrationSamples },
      sizing: { method: 'kelly', fraction: p.kellyFraction, maxFraction: p.maxPositionFraction },
      allowShort: p.allowShort,
      fitBars: p.fitBars,
      comparisonFee: p.comparisonFee,
    });
    const holdMs = p.maxHoldBars * timeframeMs(timeframe);
    let last: StrategyContext | undefined;
    runs.set(p, () => (last ? ensemble.report(last.portfolio.trades, last.portfolio.equity) : {}) as unknown as Readonly<Record<string, unknown>>);
    return {
      onBar(bar, ctx) {
        if (bar.timeframe !== timeframe) return;
        last = ctx;
        if (holdMs > 0) {
          const open = ctx.portfolio.openTrade(bar.symbol);
          if (open && ctx.time - open.entryTime >= holdMs) {
            if (open.side === 'long') ctx.exitLong({ reason: 'max_hold' });
            else ctx.exitShort({ reason: 'max_hold' });
          }
        }
        const decision = ensemble.onBar(bar, ctx);
        if (decision) act(decision, ctx, ensemble);
      },
      onStop(ctx) {
        last = ctx;
      },
    };
  },
});

export default withReportSections(ensembleStrategy, (p) => runs.get(p as object)?.());
