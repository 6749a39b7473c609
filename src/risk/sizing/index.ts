/** Position sizing: Kelly, fixed fraction, volatility target, the Sizer port, opportunity analysis. See docs/risk.md. */
export { DEFAULT_KELLY_FRACTION, DEFAULT_MAX_FRACTION, fractionalKelly, kelly, winLossStats, type FractionalKellyInput, type FractionalKellyResult, type WinLossStats } from './kelly.js';
export { annualizedVolatility, fixedFraction, quantityForFraction, volatilityTarget, type OrderSizing } from './fractions.js';
export { createSizer, sizerConfigSchema, type Sizer, type SizerConfig, type SizerConfigInput, type SizingInput, type SizingResult } from './sizer.js';
export {
  analyzeOpportunity, analyzeRequest, analyzeRequestSchema, analyzeResponseSchema, DEFAULT_MIN_EDGE_BPS, defaultOpportunityConfig, normalCdf,
  opportunityConfigSchema, parseOpportunityConfig, toAnalyzeResponse,
  type AnalyzeRequest, type AnalyzeResponse, type OpportunityAnalysis, type OpportunityConfig, type OpportunityConfigInput, type OpportunityContext,
  type OpportunityInput, type OpportunityVerdict,
} from './opportunity.js';
