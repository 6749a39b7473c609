/**
 * Portfolio accounting, checked against independent bookkeeping on random fill sequences: the
 * account equals its cash flows, closed trades add up to the realised result, flips make two
 * trades.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../bus/message-bus.js';
import { orderEvent } from '../model/events.js';
import type { Fill } from '../model/fill.js';
import { Portfolio } from './portfolio.js';

const START = 10_000;

interface Step {
  readonly kind: 'fill' | 'mark' | 'funding';
  readonly symbol: 'A' | 'B';
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly rate: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('fill' as const, 'fill' as const, 'fill' as const, 'mark' as const, 'funding' as const),
  symbol: fc.constantFrom('A' as const, 'B' as const),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  // Quarter units: flips and exact closes happen often, and sums stay exact.
  quantity: fc.integer({ min: 1, max: 40 }).map((n) => n / 4),
  price: fc.integer({ min: 500, max: 1500 }).map((n) => n / 10),
  fee: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
  rate: fc.integer({ min: -100, max: 100 }).map((n) => n / 100_000),
});

const multipliers: Record<string, number> = { A: 1, B: 10 };

class Bench {
  readonly bus = new MessageBus();
  readonly portfolio = new Portfolio(this.bus, { type: 'margin', currency: 'USD', startingBalance: START, leverage: 5 }, (s) => multipliers[s]!, '1h');
  private n = 0;
  time = 0;
  /** Independent books: cash flows and signed quantities. */
  flows = 0;
  realizedFees = 0;
  carry = 0;
  readonly quantity = new Map<string, number>();
  readonly mark = new Map<string, number>();

  fill(symbol: string, side: 'buy' | 'sell', quantity: number, price: number, fee: number): void {
    const id = `O-${++this.n}`;
    this.time += 1000;
    const fill: Fill = { tradeId: `T-${this.n}`, orderId: id, clientOrderId: id, symbol, side, quantity, price, fee, liquidity: 'taker', time: this.time };
    this.bus.publish('order', orderEvent('order.filled', { id, clientOrderId: id, symbol, status: 'filled' }, this.time, { fill, filledQuantity: quantity, avgFillPrice: price }));
    const signed = side === 'buy' ? quantity : -quantity;
    this.flows += -signed * price * multipliers[symbol]! - fee;
    this.realizedFees += fee;
    this.quantity.set(symbol, (this.quantity.get(symbol) ?? 0) + signed);
    this.mark.set(symbol, price);
  }

  bar(symbol: string, close: number): void {
    this.time += 1000;
    this.bus.publish('bar', { symbol, timeframe: '1h', time: this.time, open: close, high: close, low: close, close, volume: 1 });
    this.mark.set(symbol, close);
  }

  funding(symbol: string, rate: number): void {
    const q = this.quantity.get(symbol) ?? 0;
    const mark = this.mark.get(symbol) ?? 100;
    const amount = q * mark * multipliers[symbol]! * rate;
    this.time += 1000;
    this.bus.publish('funding', { kind: 'funding.paid', time: this.time, symbol, rate, markPrice: mark, amount });
    this.flows -= amount;
    this.carry += amount;
  }

  play(steps: readonly Step[]): void {
    for (const s of steps) {
      if (s.kind === 'fill') this.fill(s.symbol, s.side, s.quantity, s.price, s.fee);
      else if (s.kind === 'mark') this.bar(s.symbol, s.price);
      else if ((this.quantity.get(s.symbol) ?? 0) !== 0) this.funding(s.symbol, s.rate);
    }
  }

  /** Closes everything at the given price. */
  flatten(price: number): void {
    for (const [symbol, q] of this.quantity) if (q !== 0) this.fill(symbol, q > 0 ? 'sell' : 'buy', Math.abs(q), price, 0.5);
  }

  /** What the open positions are worth at their marks (independently). */
  get holdings(): number {
    let sum = 0;
    for (const [symbol, q] of this.quantity) if (q !== 0) sum += q * this.mark.get(symbol)! * multipliers[symbol]!;
    return sum;
  }
}

describe('Portfolio accounting on random fills', () => {
  it('balance + unrealised = starting cash + Σ cash flows + holdings at their marks', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const b = new Bench();
        b.play(steps);
        expect(b.portfolio.balance + b.portfolio.account.unrealizedPnl).toBeCloseTo(START + b.flows + b.holdings, 6);
        expect(b.portfolio.equity).toBeCloseTo(START + b.flows + b.holdings, 6);
        for (const [symbol, q] of b.quantity) expect(b.portfolio.position(symbol).quantity).toBeCloseTo(q, 9);
        expect(b.portfolio.account.feesPaid).toBeCloseTo(b.realizedFees, 9);
        expect(b.portfolio.account.fundingPaid).toBeCloseTo(b.carry, 9);
      }),
      { numRuns: 500 },
    );
  });

  it('closed trades net PnL sums to realised PnL − fees − carry once flat', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.integer({ min: 500, max: 1500 }), (steps, close) => {
        const b = new Bench();
        b.play(steps);
        b.flatten(close / 10);
        const trades = b.portfolio.trades;
        const realized = ['A', 'B'].reduce((n, s) => n + b.portfolio.position(s).realizedPnl, 0);
        const sum = (f: (t: (typeof trades)[number]) => number): number => trades.reduce((n, t) => n + f(t), 0);
        expect(sum((t) => t.pnl)).toBeCloseTo(realized - b.realizedFees - b.carry, 6);
        expect(sum((t) => t.grossPnl)).toBeCloseTo(realized, 6);
        expect(sum((t) => t.fees)).toBeCloseTo(b.realizedFees, 6);
        expect(sum((t) => t.carry)).toBeCloseTo(b.carry, 6);
        expect(b.portfolio.balance - START).toBeCloseTo(sum((t) => t.pnl), 6);
        expect(b.portfolio.openPositions()).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('makes one trade per return to flat and two for a flip', () => {
    fc.assert(
      fc.property(fc.array(stepArb.filter((s) => s.kind === 'fill'), { maxLength: 40 }), (steps) => {
        const b = new Bench();
        let expected = 0;
        for (const s of steps) {
          const before = b.quantity.get(s.symbol) ?? 0;
          b.fill(s.symbol, s.side, s.quantity, s.price, s.fee);
          const after = b.quantity.get(s.symbol)!;
          if (before !== 0 && (after === 0 || Math.sign(after) !== Math.sign(before))) expected++;
        }
        expect(b.portfolio.trades).toHaveLength(expected);
        for (const t of b.portfolio.trades) {
          const m = multipliers[t.symbol]!;
          const direction = t.side === 'long' ? 1 : -1;
          expect(t.grossPnl).toBeCloseTo((t.exitPrice - t.entryPrice) * t.quantity * m * direction, 6);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Portfolio examples', () => {
  it('a flip closes the long and opens a short at the flip price, splitting the fee by quantity', () => {
    const b = new Bench();
    b.fill('A', 'buy', 2, 100, 1);
    b.fill('A', 'sell', 5, 110, 5);
    const [long] = b.portfolio.trades;
    expect(long).toMatchObject({ side: 'long', entryPrice: 100, exitPrice: 110, quantity: 2, grossPnl: 20, fees: 1 + 2, pnl: 17 });
    expect(b.portfolio.position('A')).toMatchObject({ quantity: -3, avgPrice: 110 });
    b.fill('A', 'buy', 3, 100, 0);
    const short = b.portfolio.trades[1]!;
    expect(short).toMatchObject({ side: 'short', entryPrice: 110, exitPrice: 100, quantity: 3, grossPnl: 30, fees: 3, pnl: 27 });
  });

  it('averages the entry price of a position built in steps, and realises against it', () => {
    const b = new Bench();
    b.fill('B', 'buy', 1, 100, 0);
    b.fill('B', 'buy', 3, 120, 0);
    expect(b.portfolio.position('B').avgPrice).toBe(115);
    b.fill('B', 'sell', 2, 125, 0);
    expect(b.portfolio.position('B')).toMatchObject({ quantity: 2, avgPrice: 115, realizedPnl: 2 * 10 * 10 });
  });

  it('margin used and free margin follow the marks', () => {
    const b = new Bench();
    b.fill('A', 'buy', 100, 100, 0);
    b.bar('A', 90);
    expect(b.portfolio.account).toMatchObject({ equity: 9000, marginUsed: 1800, freeMargin: 7200, buyingPower: 36_000 });
  });
});
