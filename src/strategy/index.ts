/**
 * The public strategy API: everything a strategy file imports, as `import { … } from 'arbiter/strategy'`.
 * See docs/strategies.md.
 */
export { z } from 'zod';
export { defineStrategy, exitRulesSchema, type ExitRules, type ExitRulesInput, type StrategyDefinition, type StrategyHandlers, type StrategySetup } from './define.js';
export type { EntryOptions, ExitOptions, StrategyContext } from './context.js';
export { Crossover } from './signals.js';
export type { Bar } from '../model/bar.js';
export type { Fill } from '../model/fill.js';
export type { OrderRequest, OrderView, OrderSize } from '../model/order.js';
export type { PositionView } from '../model/position.js';
export type { BarSeriesView } from '../data/series.js';
export * from '../indicators/moving-averages.js';
export * from '../indicators/momentum.js';
export * from '../indicators/volatility.js';
export { Stochastic, StochasticFast, WILLR, CCI, Aroon } from '../indicators/oscillators.js';

// ---- the decision core (heads, consensus, ensemble) for strategies such as `ensemble` ----------
// docs/decision-core.md. A strategy runs an Ensemble in onBar and acts on its decisions through
// the context's intents, so every order still passes the risk engine.
export { timeframeMs } from '../core/time.js';
export {
  technicalHead, orderFlowHead, rulesHead, rulesSchema, ruleSchema, sentimentHead, externalHead, mlHead, loadNewsFile, NewsBuffer,
  TradingViewInbox, replayTradingViewAlerts, DEFAULT_MODEL_FEATURES,
  type HeadContext, type Signal, type SignalHead, type RuleConfig, type NewsItem,
} from '../heads/index.js';
export {
  Ensemble, CONSENSUS_MODES, CALIBRATION_METHODS,
  type Decision, type DecisionAction, type EnsembleOptions, type EnsembleReportSections, type ConsensusMode,
} from '../consensus/index.js';
export { withReportSections, type ReportSectionsProvider } from './report-sections.js';
