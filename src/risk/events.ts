/**
 * What the risk engine publishes besides denials (which go on the `risk` topic): changes of the
 * trading state and breaker trips and resets, on the `risk-state` topic. Storage, the API's
 * WebSocket and the dashboard subscribe to it.
 */
import type { TradingState } from './trading-state.js';

export type BreakerName = 'daily-loss' | 'consecutive-losses' | 'volatility' | 'max-drawdown' | 'gas-price';

export const breakerNames: readonly BreakerName[] = ['daily-loss', 'consecutive-losses', 'volatility', 'max-drawdown', 'gas-price'];

export type RiskStateEvent =
  | {
      readonly kind: 'trading-state.changed';
      readonly time: number;
      readonly from: TradingState;
      readonly to: TradingState;
      readonly actor: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'breaker.tripped';
      readonly time: number;
      readonly breaker: BreakerName;
      readonly value: number;
      readonly threshold: number;
      readonly reason: string;
      /** When it resets by itself; null when only an actor can reset it. */
      readonly resetsAt: number | null;
    }
  | {
      readonly kind: 'breaker.reset';
      readonly time: number;
      readonly breaker: BreakerName;
      readonly actor: string;
      readonly reason: string;
    };

declare module '../bus/topics.js' {
  interface Topics {
    'risk-state': RiskStateEvent;
  }
}
