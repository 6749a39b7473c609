import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import { IdGenerator } from '../core/ids.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time.js';
import { MessageBus } from '../bus/message-bus.js';
import { MarketCache } from '../data/market-cache.js';
import type { ExecutionClient } from '../execution/client.js';
import { ExecutionEngine } from '../execution/execution-engine.js';
import type { AccountView } from '../model/account.js';
import type { Bar } from '../model/bar.js';
import { orderEvent, type RiskDeniedEvent } from '../model/events.js';
import { defineInstrument } from '../model/instrument.js';
import { Order, type OrderRequest } from '../model/order.js';
import type { PositionView } from '../model/position.js';
import type { ClosedTrade } from '../model/trade.js';
import type { PortfolioView } from '../portfolio/portfolio.js';
import { MemoryAuditLog, type AuditRecord } from './audit.js';
import type { RiskConfigInput } from './config.js';
import { RiskEngine } from './engine.js';
import type { RiskStateEvent } from './events.js';

/** A portfolio whose equity and positions the test sets directly. */
class FakePortfolio implements PortfolioView {
  readonly accountType = 'margin' as const;
  readonly leverage = 1;
  readonly trades: ClosedTrade[] = [];
  private readonly positions = new Map<string, { quantity: number; mark: number }>();

  constructor(public equity: number) {}

  get balance(): number {
    return this.equity;
  }

  get account(): AccountView {
    throw new Error('not used by the risk engine');
  }

  get grossExposure(): number {
    let sum = 0;
    for (const p of this.positions.values()) sum += Math.abs(p.quantity * p.mark);
    return sum;
  }

  get freeMargin(): number {
    return Math.max(0, this.equity - this.grossExposure);
  }

  setPosition(symbol: string, quantity: number, mark: number): void {
    this.positions.set(symbol, { quantity, mark });
  }

  position(symbol: string): PositionView {
    const p = this.positions.get(symbol) ?? { quantity: 0, mark: NaN };
    return {
      symbol, quantity: p.quantity, side: p.quantity > 0 ? 'long' : p.quantity < 0 ? 'short' : 'flat', avgPrice: p.mark, realizedPnl: 0, fees: 0,
      funding: 0, openedAt: 0, multiplier: 1, markPrice: p.mark, unrealizedPnl: 0,
    };
  }

  openPositions(): readonly PositionView[] {
    return [...this.positions.keys()].map((s) => this.position(s)).filter((p) => p.quantity !== 0);
  }

  openTrade(): undefined {
    return undefined;
  }

  equityIfMarked(): number {
    return this.equity;
  }
}

const start = Date.UTC(2025, 0, 1, 10);

function harness(config: RiskConfigInput = {}) {
  const bus = new MessageBus();
  const clock = new SimulatedClock(start);
  const market = new MarketCache();
  market.addInstrument(defineInstrument({ symbol: 'BTC/USDT', venue: 'binance', lotSize: 0.0001 }));
  market.addInstrument(defineInstrument({ symbol: 'ETH/USDT', venue: 'binance' }));
  market.addInstrument(defineInstrument({ symbol: 'UNI/ETH', venue: 'uniswap' }));
  market.setLastPrice('BTC/USDT', 50_000);
  market.setLastPrice('ETH/USDT', 2_000);
  market.setLastPrice('UNI/ETH', 0.004);
  const portfolio = new FakePortfolio(10_000);
  const audit = new MemoryAuditLog();
  const risk = new RiskEngine({ bus, clock, market, portfolio, baseTimeframe: '1h', audit }, config);
  const denials: RiskDeniedEvent[] = [];
  const stateEvents: RiskStateEvent[] = [];
  bus.subscribe('risk', (e) => denials.push(e));
  bus.subscribe('risk-state', (e) => stateEvents.push(e));
  const sent: string[] = [];
  const client: ExecutionClient = { venue: 'test', attach() {}, submit: (o) => sent.push(o.id), cancel() {}, modify() {} };
  const execution = new ExecutionEngine(bus, clock, new IdGenerator(), client, risk);
  const submit = (request: Partial<OrderRequest> & Pick<OrderRequest, 'size'>) =>
    execution.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', ...request });
  /** A closed trade with this PnL, announced by a fill as the portfolio would. */
  const closeTrade = (pnl: number) => {
    portfolio.trades.push({ id: `T${portfolio.trades.length}`, symbol: 'BTC/USDT', side: 'long', entryTime: 0, entryPrice: 1, exitTime: clock.now(), exitPrice: 1, quantity: 1, pnl, grossPnl: pnl, fees: 0, carry: 0, returnPct: 0, exitReason: 'exit_signal', bars: 1 });
    const order = new Order(`X${portfolio.trades.length}`, `cx${portfolio.trades.length}`, { symbol: 'BTC/USDT', side: 'sell', type: 'market', size: { base: 1 } }, clock.now());
    order.transition('submitted', clock.now());
    order.transition('accepted', clock.now());
    order.applyFill(1, 1, 0, clock.now());
    bus.publish('order', orderEvent('order.filled', order, clock.now(), {
      fill: { tradeId: 'f', orderId: order.id, clientOrderId: order.clientOrderId, symbol: 'BTC/USDT', side: 'sell', quantity: 1, price: 1, fee: 0, liquidity: 'taker', time: clock.now() },
      filledQuantity: 1, avgFillPrice: 1,
    }));
  };
  const publishBar = (b: Bar) => {
    clock.advanceTo(b.time + HOUR_MS);
    bus.publish('bar', b);
  };
  return { bus, clock, market, portfolio, audit, risk, execution, denials, stateEvents, sent, submit, closeTrade, publishBar };
}

function lastDenial(h: ReturnType<typeof harness>): RiskDeniedEvent {
  const d = h.denials.at(-1);
  if (!d) throw new Error('no denial was published');
  return d;
}

describe('RiskEngine pre-trade limits', () => {
  it('passes every order when nothing is configured (the default)', () => {
    const h = harness();
    expect(h.submit({ size: { base: 10 } }).status).toBe('rejected'); // buying power, a basic check
    expect(lastDenial(h).check).toBe('buying-power');
    expect(h.submit({ size: { base: 0.1 } }).status).toBe('submitted');
  });

  it('denies an order above the max position % of equity, with the numbers in the reason', () => {
    const h = harness({ limits: { maxPositionFraction: 0.2 } });
    const order = h.submit({ size: { base: 0.05 } });
    expect(order.status).toBe('rejected');
    expect(order.reason).toMatch(/^max-position: /);
    expect(lastDenial(h)).toMatchObject({ check: 'max-position', symbol: 'BTC/USDT' });
    expect(lastDenial(h).reason).toContain('25.00% of equity 10000.00; the limit is 20.00%');
    expect(h.submit({ size: { base: 0.04 } }).status).toBe('submitted');
  });

  it('counts the existing position toward the max position', () => {
    const h = harness({ limits: { maxPositionFraction: 0.2 } });
    h.portfolio.setPosition('BTC/USDT', 0.03, 50_000);
    expect(h.submit({ size: { base: 0.02 } }).status).toBe('rejected');
    expect(h.submit({ size: { base: 0.01 } }).status).toBe('submitted');
  });

  it('never denies an order that only reduces a position by a size limit', () => {
    const h = harness({ limits: { maxPositionFraction: 0.01, maxOrderNotional: 10, minNotional: 1_000_000 } });
    h.portfolio.setPosition('BTC/USDT', 0.1, 50_000);
    expect(h.submit({ side: 'sell', size: { base: 0.05 } }).status).toBe('submitted');
    // A sell that flips the position to a larger short grows exposure: denied.
    expect(h.submit({ side: 'sell', size: { base: 0.3 } }).status).toBe('rejected');
  });

  it('denies an order above the max gross exposure', () => {
    const h = harness({ limits: { maxGrossExposureFraction: 0.9 } });
    h.portfolio.setPosition('ETH/USDT', 4, 2_000);
    expect(h.submit({ size: { base: 0.03 } }).status).toBe('rejected');
    expect(lastDenial(h).check).toBe('max-gross-exposure');
    expect(lastDenial(h).reason).toBe('gross exposure would be 9500.00 = 95.00% of equity 10000.00; the limit is 90.00%');
    expect(h.submit({ size: { base: 0.02 } }).status).toBe('submitted');
  });

  it('denies an order that would open one position too many, counting pending entries', () => {
    const h = harness({ limits: { maxOpenPositions: 2 } });
    h.portfolio.setPosition('ETH/USDT', 1, 2_000);
    expect(h.submit({ size: { base: 0.01 } }).status).toBe('submitted'); // BTC entry, pending
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 1 } }).status).toBe('rejected');
    expect(lastDenial(h).check).toBe('max-open-positions');
    // Adding to a symbol already held is not a new position.
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 0.5 } }).status).toBe('submitted');
  });

  it('frees the slot of an entry that was canceled', () => {
    const h = harness({ limits: { maxOpenPositions: 1 } });
    const entry = h.submit({ size: { base: 0.01 } });
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 1 } }).status).toBe('rejected');
    h.bus.publish('order', orderEvent('order.canceled', { ...entry, status: 'canceled' }, h.clock.now(), { reason: 'test' }));
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 1 } }).status).toBe('submitted');
  });

  it('denies per-symbol: a disallowed symbol, a quantity cap, a value cap, an order-value cap', () => {
    const h = harness({
      limits: {
        perSymbol: {
          'UNI/ETH': { allowed: false },
          'BTC/USDT': { maxPositionQuantity: 0.01, maxOrderNotional: 400 },
          'ETH/USDT': { maxPositionNotional: 1_000 },
        },
      },
    });
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 1 } }).status).toBe('rejected');
    expect(lastDenial(h)).toMatchObject({ check: 'symbol-limit' });
    expect(lastDenial(h).reason).toContain('not allowed');
    expect(h.submit({ size: { base: 0.009 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toContain('above the symbol\'s limit 400');
    h.portfolio.setPosition('BTC/USDT', 0.005, 50_000);
    expect(h.submit({ size: { base: 0.006 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toContain('position would be 0.011');
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 0.6 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toContain('position value would be 1200.00');
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 0.5 } }).status).toBe('submitted');
  });

  it('gives a symbol\'s own max position fraction precedence over the global one', () => {
    const h = harness({ limits: { maxPositionFraction: 0.5, perSymbol: { 'BTC/USDT': { maxPositionFraction: 0.1 } } } });
    expect(h.submit({ size: { base: 0.03 } }).status).toBe('rejected');
    expect(lastDenial(h).check).toBe('max-position');
    expect(h.submit({ symbol: 'ETH/USDT', size: { base: 2 } }).status).toBe('submitted');
  });

  it('denies an order below the risk minimum notional', () => {
    const h = harness({ limits: { minNotional: 100 } });
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('rejected');
    expect(lastDenial(h)).toMatchObject({ check: 'min-notional', reason: 'order value 50.00 is below the risk minimum 100' });
    expect(h.submit({ size: { base: 0.002 } }).status).toBe('submitted');
  });

  it('denies an order above the max order value, estimating quote and equity-fraction sizes', () => {
    const h = harness({ limits: { maxOrderNotional: 1_000 } });
    expect(h.submit({ size: { base: 0.03 } }).status).toBe('rejected');
    expect(lastDenial(h).check).toBe('max-order-value');
    expect(h.submit({ size: { quote: 1_500 } }).status).toBe('rejected');
    expect(h.submit({ size: { equityFraction: 0.5 } }).status).toBe('rejected');
    expect(h.submit({ size: { equityFraction: 0.05 } }).status).toBe('submitted');
  });

  it('denies orders above the rate limit within the window and allows them after it', () => {
    const h = harness({ limits: { orderRate: { maxOrders: 2, windowMs: 60_000 } } });
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    h.clock.advanceTo(start + 30_000);
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('rejected');
    expect(lastDenial(h)).toMatchObject({ check: 'order-rate' });
    expect(lastDenial(h).reason).toContain('2 orders in the last 60 s; the limit is 2');
    h.clock.advanceTo(start + 60_000);
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
  });

  it('denies limit and stop prices outside the band around the last price', () => {
    const h = harness({ limits: { priceBand: 0.1 } });
    expect(h.submit({ type: 'limit', price: 56_000, size: { base: 0.001 } }).status).toBe('rejected');
    expect(lastDenial(h)).toMatchObject({ check: 'price-band' });
    expect(lastDenial(h).reason).toBe('limit price 56000 is 12.00% from the last price 50000; the band is ±10.00%');
    expect(h.submit({ type: 'stop-market', side: 'sell', triggerPrice: 40_000, size: { base: 0.001 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toMatch(/^stop price 40000 is 20.00%/);
    expect(h.submit({ type: 'limit', price: 54_000, size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
  });

  it('denies on-chain orders while gas is above the cap, unknown or stale; exchange orders pass', () => {
    const h = harness({ breakers: { gasPrice: { maxGwei: 50, venues: ['uniswap'], maxAgeMs: 60_000 } } });
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 10 } }).status).toBe('rejected');
    expect(lastDenial(h)).toMatchObject({ check: 'gas-price', reason: 'no gas price observed yet for on-chain venue uniswap' });
    h.risk.observeGasPrice(80);
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 10 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toBe('gas price 80 gwei is above the cap 50 gwei');
    expect(h.risk.snapshot().breakers.find((b) => b.name === 'gas-price')).toMatchObject({ status: 'tripped', value: 80, threshold: 50, action: 'deny-on-chain' });
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    h.risk.observeGasPrice(20);
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 10 } }).status).toBe('submitted');
    h.clock.advanceTo(start + 61_000);
    expect(h.submit({ symbol: 'UNI/ETH', size: { base: 10 } }).status).toBe('rejected');
    expect(lastDenial(h).reason).toContain('s old');
    expect(() => h.risk.observeGasPrice(Number.NaN)).toThrow(/gas price must be a non-negative number/);
  });

  it('rounds the order to the lot like the basic checks do', () => {
    const h = harness({ limits: { maxPositionFraction: 0.5 } });
    const order = h.submit({ size: { base: 0.012345 } });
    expect(order.status).toBe('submitted');
    expect(order.size).toEqual({ base: 0.0123 });
  });
});

describe('RiskEngine circuit breakers', () => {
  it('daily loss: trips at the limit, halts trading, and resets at 00:00 UTC of the clock', () => {
    const h = harness({ breakers: { dailyLoss: { maxLossFraction: 0.05, action: 'HALTED' } } });
    h.risk.snapshot(); // first observation: the day starts at 10,000
    h.portfolio.equity = 9_501;
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    h.portfolio.equity = 9_500;
    const denied = h.submit({ side: 'sell', size: { base: 0.001 } });
    expect(denied.status).toBe('rejected');
    expect(lastDenial(h).check).toBe('trading-state');
    expect(lastDenial(h).reason).toContain('trading is halted (held by daily-loss: daily loss 5.00%');
    const status = h.risk.snapshot().breakers.find((b) => b.name === 'daily-loss')!;
    expect(status).toMatchObject({ status: 'tripped', value: 0.05, threshold: 0.05, unit: 'fraction', action: 'HALTED', resetsAt: Date.UTC(2025, 0, 2) });

    h.clock.advanceTo(Date.UTC(2025, 0, 2) - 1);
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('rejected');
    h.clock.advanceTo(Date.UTC(2025, 0, 2));
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    expect(h.stateEvents.map((e) => e.kind)).toEqual(['breaker.tripped', 'trading-state.changed', 'breaker.reset', 'trading-state.changed']);
    expect(h.audit.entries.map((e) => e.action)).toEqual(['breaker.tripped', 'trading-state.changed', 'breaker.reset', 'trading-state.changed']);
    expect(h.audit.entries[2]).toMatchObject({ actor: 'risk-engine', subject: 'daily-loss', time: Date.UTC(2025, 0, 2), details: { reason: 'new UTC day 2025-01-02' } });
  });

  it('daily loss: observes equity on every bar, not only when orders arrive', () => {
    const h = harness({ breakers: { dailyLoss: { maxLoss: 300 } } });
    const bar = (i: number): Bar => ({ symbol: 'BTC/USDT', timeframe: '1h', time: start + i * HOUR_MS, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    h.publishBar(bar(0));
    h.portfolio.equity = 9_750;
    h.publishBar(bar(1));
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    h.portfolio.equity = 9_690;
    h.publishBar(bar(2));
    expect(h.risk.tradingState.state).toBe('REDUCING');
    // REDUCING lets a position be closed but not opened.
    h.portfolio.setPosition('BTC/USDT', 0.01, 50_000);
    expect(h.submit({ side: 'sell', size: { base: 0.01 }, reduceOnly: true }).status).toBe('submitted');
    expect(h.submit({ size: { base: 0.01 } }).status).toBe('rejected');
  });

  it('consecutive losses: trips after N losing trades, holds for the cooldown, then resumes', () => {
    const h = harness({ breakers: { consecutiveLosses: { maxLosses: 3, cooldownMs: HOUR_MS } } });
    h.closeTrade(-5);
    h.closeTrade(-5);
    h.closeTrade(+1);
    h.closeTrade(-5);
    h.closeTrade(-5);
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    h.closeTrade(-5);
    expect(h.risk.tradingState.state).toBe('REDUCING');
    const tripped = h.risk.snapshot().breakers.find((b) => b.name === 'consecutive-losses')!;
    expect(tripped).toMatchObject({ status: 'tripped', value: 3, threshold: 3, resetsAt: start + HOUR_MS });
    h.clock.advanceTo(start + HOUR_MS - 1);
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('rejected');
    h.clock.advanceTo(start + HOUR_MS);
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.risk.snapshot().breakers.find((b) => b.name === 'consecutive-losses')).toMatchObject({ status: 'armed', value: 0 });
  });

  it('volatility spike: trips on an ATR spike in the base timeframe and resets when it calms', () => {
    const h = harness({ breakers: { volatility: { measure: 'atr', period: 3, lookback: 5, maxRatio: 3, resetRatio: 2 } } });
    const bar = (i: number, range: number, timeframe = '1h'): Bar => ({ symbol: 'BTC/USDT', timeframe, time: start + i * HOUR_MS, open: 100, high: 100 + range / 2, low: 100 - range / 2, close: 100, volume: 1 });
    let i = 0;
    for (; i < 9; i++) h.publishBar(bar(i, 1));
    // Bars of another timeframe are not measured.
    h.bus.publish('bar', bar(i, 50, '4h'));
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    h.publishBar(bar(i++, 10));
    expect(h.risk.tradingState.state).toBe('REDUCING');
    const status = h.risk.snapshot().breakers.find((b) => b.name === 'volatility')!;
    expect(status.status).toBe('tripped');
    expect(status.value).toBeCloseTo(4, 12);
    expect(status.details.symbol).toBe('BTC/USDT');
    h.publishBar(bar(i++, 1));
    expect(h.risk.tradingState.state).toBe('ACTIVE');
  });

  it('max drawdown: the kill switch stays tripped across days until an actor resets it', () => {
    const h = harness({ breakers: { maxDrawdown: { maxDrawdownFraction: 0.1 } } });
    h.risk.snapshot();
    h.portfolio.equity = 12_000;
    h.risk.snapshot();
    h.portfolio.equity = 10_800;
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('rejected');
    expect(h.risk.tradingState.state).toBe('HALTED');
    h.clock.advanceTo(start + 10 * DAY_MS);
    h.portfolio.equity = 11_000;
    expect(h.risk.snapshot()).toMatchObject({ state: 'HALTED' });
    expect(h.risk.snapshot().breakers.find((b) => b.name === 'max-drawdown')).toMatchObject({ status: 'tripped', resetsAt: null });
    // Asking for ACTIVE does not override the kill switch: it names what holds the state.
    expect(h.risk.setTradingState('ACTIVE', 'bob', 'try to resume')).toMatchObject({ effective: 'HALTED', heldBy: ['max-drawdown'] });
    expect(h.risk.resetBreaker('max-drawdown', 'alice', 'reviewed the losses')).toBe(true);
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    expect(h.audit.entries.find((e) => e.action === 'breaker.reset')).toMatchObject({ actor: 'alice', subject: 'max-drawdown', details: { reason: 'reviewed the losses' } });
    // The reset equity is the new high-water mark: 11,000 does not trip again.
    expect(h.submit({ size: { base: 0.001 } }).status).toBe('submitted');
    expect(h.risk.resetBreaker('max-drawdown', 'alice', 'again')).toBe(false);
  });

  it('the strictest of the manual state and every tripped breaker wins', () => {
    const h = harness({ breakers: { dailyLoss: { maxLossFraction: 0.05 }, maxDrawdown: { maxDrawdownFraction: 0.08 } } });
    h.risk.snapshot();
    h.portfolio.equity = 9_400; // 6% down: daily loss → REDUCING
    h.risk.snapshot();
    expect(h.risk.tradingState.state).toBe('REDUCING');
    h.portfolio.equity = 9_100; // 9%: drawdown → HALTED
    h.risk.snapshot();
    expect(h.risk.tradingState.state).toBe('HALTED');
    expect(h.risk.tradingState.holds.map((x) => x.source).sort()).toEqual(['daily-loss', 'max-drawdown']);
    h.risk.resetBreaker('max-drawdown', 'alice', 'ok');
    expect(h.risk.tradingState.state).toBe('REDUCING');
  });
});

describe('RiskEngine trading state by hand', () => {
  it('records every manual change with actor and reason in the audit log and on the bus', () => {
    const h = harness();
    h.risk.setTradingState('HALTED', 'alice', 'exchange incident');
    expect(h.submit({ size: { base: 0.001 } }).reason).toBe('trading-state: trading is halted (set to HALTED by alice: exchange incident)');
    h.clock.advanceTo(start + MINUTE_MS);
    h.risk.setTradingState('REDUCING', 'bob', 'incident over, unwinding');
    const actions = h.audit.entries.map((e: AuditRecord) => [e.action, e.actor, (e.details as { reason: string }).reason]);
    expect(actions).toEqual([
      ['trading-state.changed', 'alice', 'exchange incident'],
      ['trading-state.set', 'alice', 'exchange incident'],
      ['trading-state.changed', 'bob', 'incident over, unwinding'],
      ['trading-state.set', 'bob', 'incident over, unwinding'],
    ]);
    expect(h.audit.entries[2]).toMatchObject({ time: start + MINUTE_MS, details: { from: 'HALTED', to: 'REDUCING' } });
    expect(h.stateEvents).toEqual([
      { kind: 'trading-state.changed', time: start, from: 'ACTIVE', to: 'HALTED', actor: 'alice', reason: 'exchange incident' },
      { kind: 'trading-state.changed', time: start + MINUTE_MS, from: 'HALTED', to: 'REDUCING', actor: 'bob', reason: 'incident over, unwinding' },
    ]);
  });

  it('audits a change made directly on the kernel\'s trading-state holder too', () => {
    const h = harness();
    h.risk.tradingState.set('HALTED', 'manual kill switch', 'cli', start);
    expect(h.audit.entries.map((e) => [e.action, e.actor])).toEqual([['trading-state.changed', 'cli'], ['trading-state.set', 'cli']]);
  });

  it('refuses an unknown state, breaker, or a change without actor or reason', () => {
    const h = harness();
    expect(() => h.risk.setTradingState('PAUSED' as never, 'alice', 'x')).toThrow(ConfigurationError);
    expect(() => h.risk.setTradingState('HALTED', '', 'x')).toThrow(/^actor: /);
    expect(() => h.risk.setTradingState('HALTED', 'alice', '  ')).toThrow(/^reason: /);
    expect(() => h.risk.resetBreaker('nope' as never, 'alice', 'x')).toThrow(/^breaker: unknown breaker "nope"/);
    expect(h.risk.tradingState.state).toBe('ACTIVE');
  });
});

describe('RiskEngine configuration at run time', () => {
  it('applies an edited threshold at once and records who changed it', () => {
    const h = harness({ limits: { maxPositionFraction: 0.5 } });
    expect(h.submit({ size: { base: 0.05 } }).status).toBe('submitted');
    h.risk.updateConfig({ limits: { maxPositionFraction: 0.2 } }, 'alice', 'tighter for the weekend');
    expect(h.submit({ size: { base: 0.05 } }).status).toBe('rejected');
    expect(h.audit.entries.at(-1)).toMatchObject({ actor: 'alice', action: 'risk.config-changed', details: { reason: 'tighter for the weekend', patch: { limits: { maxPositionFraction: 0.2 } } } });
  });

  it('rejects a bad patch naming the key and keeps the old configuration', () => {
    const h = harness({ limits: { maxPositionFraction: 0.5 } });
    expect(() => h.risk.updateConfig({ limits: { maxPositionFraction: -1 } }, 'alice', 'x')).toThrow(/^risk\.limits\.maxPositionFraction: /);
    expect(() => h.risk.updateConfig({ breakers: { dailyLoss: {} } }, 'alice', 'x')).toThrow(/^risk\.breakers\.dailyLoss\.maxLossFraction: /);
    expect(() => h.risk.updateConfig({ limit: {} } as never, 'alice', 'x')).toThrow(/^risk\.limit: unknown key/);
    expect(h.risk.config.limits.maxPositionFraction).toBe(0.5);
    expect(h.audit.entries).toHaveLength(0);
  });

  it('turning a tripped breaker off releases its hold; changing its action applies to the standing trip', () => {
    const h = harness({ breakers: { dailyLoss: { maxLossFraction: 0.05 } } });
    h.risk.snapshot();
    h.portfolio.equity = 9_000;
    h.risk.snapshot();
    expect(h.risk.tradingState.state).toBe('REDUCING');
    h.risk.updateConfig({ breakers: { dailyLoss: { maxLossFraction: 0.05, action: 'HALTED' } } }, 'alice', 'stricter');
    expect(h.risk.tradingState.state).toBe('HALTED');
    h.risk.updateConfig({ breakers: { dailyLoss: null } }, 'alice', 'off for the test');
    expect(h.risk.tradingState.state).toBe('ACTIVE');
    expect(h.risk.snapshot().breakers.find((b) => b.name === 'daily-loss')).toMatchObject({ status: 'disabled', value: null });
  });

  it('needs a timeframe for the volatility breaker when no base timeframe is known', () => {
    const bus = new MessageBus();
    const market = new MarketCache();
    expect(() => new RiskEngine({ bus, clock: new SimulatedClock(0), market, portfolio: new FakePortfolio(1) }, { breakers: { volatility: {} } }))
      .toThrow(/^risk\.breakers\.volatility\.timeframe: /);
  });
});

describe('RiskEngine read model', () => {
  it('reports state, breakers with value vs threshold, limits and recent denials as plain JSON', () => {
    const h = harness({ limits: { maxPositionFraction: 0.2 }, breakers: { dailyLoss: { maxLossFraction: 0.05 }, maxDrawdown: { maxDrawdownFraction: 0.2 } }, recentDenials: 2 });
    h.risk.snapshot();
    h.portfolio.equity = 9_800;
    h.submit({ size: { base: 1 } });
    h.submit({ size: { base: 0.1 } });
    h.submit({ size: { base: 0.08 } });
    h.submit({ size: { base: 0.06 } });
    const snap = h.risk.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.state).toBe('ACTIVE');
    expect(snap.limits.maxPositionFraction).toBe(0.2);
    expect(snap.recentDenials.map((d) => d.reason)).toEqual([expect.stringContaining('value would be 3000.00'), expect.stringContaining('value would be 4000.00')]);
    expect(snap.denialCounts).toEqual({ 'buying-power': 1, 'max-position': 3 });
    const daily = snap.breakers.find((b) => b.name === 'daily-loss')!;
    expect(daily).toMatchObject({ status: 'armed', threshold: 0.05, unit: 'fraction', action: 'REDUCING', trippedAt: null, resetsAt: null });
    expect(daily.value).toBeCloseTo(0.02, 12);
    expect(snap.breakers.map((b) => [b.name, b.status])).toEqual([
      ['daily-loss', 'armed'], ['consecutive-losses', 'disabled'], ['volatility', 'disabled'], ['max-drawdown', 'armed'], ['gas-price', 'disabled'],
    ]);
  });
});

describe('RiskEngine audit sink', () => {
  it('keeps records in order through an asynchronous sink and counts failures', async () => {
    const stored: string[] = [];
    let calls = 0;
    const sink = {
      append: async (record: AuditRecord) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, calls === 1 ? 20 : 1));
        if (record.actor === 'mallory') throw new Error('disk full');
        stored.push(`${record.action}:${record.actor}`);
      },
    };
    const bus = new MessageBus();
    const clock = new SimulatedClock(start);
    const market = new MarketCache();
    const risk = new RiskEngine({ bus, clock, market, portfolio: new FakePortfolio(1_000), audit: sink });
    risk.setTradingState('HALTED', 'alice', 'a');
    risk.setTradingState('ACTIVE', 'mallory', 'b');
    risk.setTradingState('REDUCING', 'carol', 'c');
    await risk.flushAudit();
    expect(stored).toEqual(['trading-state.changed:alice', 'trading-state.set:alice', 'trading-state.changed:carol', 'trading-state.set:carol']);
    expect(risk.snapshot().auditFailures).toBe(2);
  });
});
