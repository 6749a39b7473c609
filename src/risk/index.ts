/** The risk layer's public surface: the engine, its config, trading state, audit port, sizing. See docs/risk.md. */
export { RiskEngine, RISK_ENGINE_ACTOR, type BreakerStatus, type RiskEngineDeps, type RiskSnapshot } from './engine.js';
export {
  conservativeRisk, mergeRiskConfig, parseRiskConfig, riskConfigSchema, riskLimitsSchema, breakersSchema,
  type BreakersConfig, type RiskConfig, type RiskConfigInput, type RiskConfigPatch, type RiskLimits, type SymbolLimits,
} from './config.js';
export { breakerNames, type BreakerName, type RiskStateEvent } from './events.js';
export { MemoryAuditLog, type AuditRecord, type AuditSink, type AuditValue } from './audit.js';
export { TradingStateHolder, tradingStates, stricter, type TradingState, type TradingStateChange, type TradingStateHold, type TradingStateRequest } from './trading-state.js';
export { PreTradeRisk } from './pre-trade.js';
export * from './sizing/index.js';
