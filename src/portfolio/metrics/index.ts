/**
 * Performance metrics: pure functions over equity curves, periodic returns and closed trades.
 * `computeMetrics` builds the whole report; the building blocks are exported for research and
 * for the reference tests that pin each one to empyrical, ffn, R PerformanceAnalytics or
 * backtesting.py. Conventions and formulas: docs/metrics.md.
 */
export * from './stats.js';
export * from './returns.js';
export * from './drawdown.js';
export * from './ratios.js';
export * from './trade-stats.js';
export * from './convention.js';
export * from './report.js';
