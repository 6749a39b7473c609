/**
 * Signal heads: the port, the panel that runs heads with fault isolation, and the built-in heads.
 * See docs/decision-core.md.
 */
export { roundInput, sideOf, signalProblem, type HeadContext, type HeadFitReport, type HeadRequirements, type IndicatorSpec, type Signal, type SignalHead, type SignalInput } from './signal.js';
export { DEFAULT_TIME_BUDGET_MS, HeadPanel, type HeadEvaluation, type HeadPanelOptions, type HeadStatus, type PanelView } from './panel.js';
export { BAR_FIELDS, parseIndicatorName, resolveVariable, type VariableSource } from './inputs.js';
export { parseOptions } from './config.js';
export { technicalHead, technicalHeadSchema, type TechnicalHeadOptions } from './technical/technical-head.js';
export { orderFlowHead, orderFlowHeadSchema, type OrderFlowHeadOptions } from './orderflow/orderflow-head.js';
export { RuleSyntaxError, parseRule, tokenize, ruleVariables, type RuleNode } from './rules/language.js';
export { compileRule, compileResolvedRule, type CompiledRule, type ResolvedRule } from './rules/compile.js';
export { rulesHead, rulesHeadSchema, ruleSchema, rulesSchema, type RuleConfig, type RulesHeadOptions } from './rules/rules-head.js';
export { FINANCE_LEXICON, scoreText, words, type TermHit, type TextScore } from './sentiment/lexicon.js';
export { NewsBuffer, availableAt, type NewsFeed, type NewsItem } from './sentiment/news.js';
export { parseFeed, type ParsedFeed, type RejectedItem } from './sentiment/parse-feed.js';
export { FileNewsFeed, HttpNewsFeed, NewsPoller, loadNewsFile, type HttpNewsFeedOptions } from './sentiment/feeds.js';
export { ASSET_ALIASES, sentimentHead, sentimentHeadSchema, symbolTerms, type SentimentHeadOptions } from './sentiment/sentiment-head.js';
export {
  TradingViewInbox, normaliseTicker, normaliseTimeframe, replayTradingViewAlerts, tradingViewAlertSchema,
  type IngestResult, type TradingViewAlert, type TradingViewInboxOptions,
} from './external/tradingview.js';
export { externalHead, externalHeadSchema, type ExternalHeadOptions } from './external/external-head.js';
export {
  DEFAULT_MODEL_FEATURES, classificationMetrics, fitLogistic, predictProbability, trainDirectionModel, trainOnRows,
  type LabelledRowSource, type LogisticModel, type SplitMetrics, type TrainOptions, type TrainingResult,
} from './ml/logistic.js';
export { loadModel, logisticModelSchema, readModelArtifact, saveModel, type SaveModelOptions } from './ml/model-store.js';
export { MlHead, mlHead, mlHeadSchema, type MlHeadOptions } from './ml/ml-head.js';
export { flatPortfolio, replayHeads, type ReplayRow } from './replay.js';
