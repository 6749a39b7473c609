/**
 * Conventions: how fills and statistics are modelled. Arbiter's default is the realistic one;
 * the others reproduce a reference engine exactly so that results can be compared with it. Each
 * is a named set of simulated-exchange options, a metrics convention, and end-of-run handling.
 */
import { ConfigurationError } from '../core/errors.js';
import type { SimulatedExchangeOptions } from '../sim/simulated-exchange.js';

export interface Convention {
  readonly name: string;
  readonly description: string;
  readonly sim: Partial<SimulatedExchangeOptions>;
  readonly metrics: string;
  /** Close open positions when the data ends (and count them as trades). */
  readonly closeAtEnd: boolean;
  /**
   * The price those positions close at: the last bar's close, or — backtesting.py's quirk, which
   * re-runs its broker on the last bar — that bar's open.
   */
  readonly settleAt: 'last-close' | 'last-open';
}

export const conventions: Readonly<Record<string, Convention>> = {
  arbiter: {
    name: 'arbiter',
    description: 'realistic: intrabar path, gaps fill at the open, path decides stop vs take-profit; daily-sampled statistics',
    sim: {},
    metrics: 'arbiter',
    closeAtEnd: true,
    settleAt: 'last-close',
  },
  'backtesting.py': {
    name: 'backtesting.py',
    description: 'kernc/backtesting.py: stop-loss before take-profit within a bar; brackets of an entry filled inside a bar wait for the next bar when their stop is within the bar; open trades settle at the last open; its statistics',
    sim: { fillPriority: 'stops-first', reactWithinBar: 'unambiguous' },
    metrics: 'backtesting.py',
    closeAtEnd: true,
    settleAt: 'last-open',
  },
  freqtrade: {
    name: 'freqtrade',
    description:
      "Freqtrade's backtest: trailing stops ratchet on the candle's best price first, an entry candle follows its colour, exit priority stop-loss > ROI > exit signal > trailed stop, stops and limits fill at their level, a trailing stop hit in the entry candle takes the pessimistic price, open trades exit at the last candle's open",
    sim: { path: 'freqtrade', fillPriority: 'freqtrade', gapFills: 'level', trailingFirstBar: 'activation' },
    metrics: 'arbiter',
    closeAtEnd: true,
    settleAt: 'last-open',
  },
  backtrader: {
    name: 'backtrader',
    description: 'backtrader: market orders at the next open, open positions are left open at the end, population standard deviations in SQN and Sharpe',
    sim: {},
    metrics: 'backtrader',
    closeAtEnd: false,
    settleAt: 'last-close',
  },
};

export function convention(name: string): Convention {
  const found = conventions[name];
  if (!found) throw new ConfigurationError(`unknown convention "${name}"; available: ${Object.keys(conventions).join(', ')}`, 'convention');
  return found;
}
