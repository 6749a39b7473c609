/**
 * The bus's topics and their message types. Higher layers add their own topics by declaration
 * merging, so the bus never imports them:
 *
 *   declare module '../bus/topics.js' { interface Topics { decision: Decision } }
 */
import type { Bar } from '../model/bar.js';
import type { AccountStateEvent, BalanceEvent, FundingEvent, OrderEvent, PositionEvent, RiskDeniedEvent } from '../model/events.js';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.js';
import type { ComponentStatus } from '../core/lifecycle.js';

export interface Topics {
  /** A closed bar (any timeframe, including ones built from a lower timeframe). */
  bar: Bar;
  trade: TradeTick;
  quote: QuoteTick;
  book: OrderBookSnapshot;
  order: OrderEvent;
  position: PositionEvent;
  account: AccountStateEvent;
  funding: FundingEvent;
  balance: BalanceEvent;
  risk: RiskDeniedEvent;
  component: ComponentStatus;
}

export type Topic = Extract<keyof Topics, string>;
