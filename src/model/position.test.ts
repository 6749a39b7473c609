import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from './fill.js';
import { Position } from './position.js';

let n = 0;
function fill(side: 'buy' | 'sell', quantity: number, price: number, fee = 0): Fill {
  n++;
  return { tradeId: `T-${n}`, orderId: `O-${n}`, clientOrderId: `C-${n}`, symbol: 'X', side, quantity, price, fee, liquidity: 'taker', time: n };
}

describe('Position', () => {
  it('averages the entry price when adding and realises PnL when reducing', () => {
    const p = new Position('X');
    p.applyFill(fill('buy', 1, 100));
    p.applyFill(fill('buy', 3, 120));
    expect(p.avgPrice).toBe(115);
    const realized = p.applyFill(fill('sell', 2, 130));
    expect(realized).toBe(30);
    expect(p.quantity).toBe(2);
    expect(p.avgPrice).toBe(115);
  });

  it('flips from long to short at the fill price', () => {
    const p = new Position('X');
    p.applyFill(fill('buy', 2, 100));
    const realized = p.applyFill(fill('sell', 5, 90));
    expect(realized).toBe(-20);
    expect(p.side).toBe('short');
    expect(p.quantity).toBe(-3);
    expect(p.avgPrice).toBe(90);
    p.markPrice = 80;
    expect(p.unrealizedPnl).toBe(30);
  });

  it('applies the contract multiplier to PnL', () => {
    const p = new Position('ES', 10);
    p.applyFill(fill('sell', 1, 4000));
    expect(p.applyFill(fill('buy', 1, 3990))).toBe(100);
  });

  it('conserves value: realised + unrealised equals the cash flow of the fills (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 50 }), price: fc.integer({ min: 1, max: 1000 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        (trades, mark) => {
          const p = new Position('X');
          let cash = 0;
          for (const t of trades) {
            p.applyFill(fill(t.buy ? 'buy' : 'sell', t.qty, t.price));
            cash += (t.buy ? -1 : 1) * t.qty * t.price;
          }
          p.markPrice = mark;
          const value = cash + p.quantity * mark;
          expect(p.realizedPnl + p.unrealizedPnl).toBeCloseTo(value, 6);
        },
      ),
    );
  });
});
