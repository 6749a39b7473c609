/**
 * Accounts. One accounting rule serves both kinds: the balance changes by realised PnL, fees,
 * funding and interest; equity = balance + unrealised PnL. They differ in what may be traded:
 * a `cash` account cannot short or borrow, a `margin` account can up to its leverage.
 */
export type AccountType = 'cash' | 'margin';

export interface AccountView {
  readonly type: AccountType;
  readonly currency: string;
  /** Maximum leverage: buying power = free margin × leverage. 1 for cash accounts. */
  readonly leverage: number;
  /** Deposited cash plus realised PnL, minus fees, funding and interest. */
  readonly balance: number;
  readonly unrealizedPnl: number;
  /** balance + unrealisedPnl. */
  readonly equity: number;
  /** Margin held by open positions: Σ |notional| / leverage. */
  readonly marginUsed: number;
  /** equity − marginUsed, never below 0. */
  readonly freeMargin: number;
  /** What a new order may commit: freeMargin × leverage. */
  readonly buyingPower: number;
  /** Σ |notional| of open positions / equity. */
  readonly grossLeverage: number;
  readonly feesPaid: number;
  readonly fundingPaid: number;
}
