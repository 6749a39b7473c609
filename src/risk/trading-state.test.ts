import { describe, expect, it } from 'vitest';
import { TradingStateHolder, type TradingStateChange, type TradingStateRequest } from './trading-state.js';

describe('TradingStateHolder', () => {
  it('starts ACTIVE and reports each change with from, to, actor, reason and time', () => {
    const holder = new TradingStateHolder();
    const changes: TradingStateChange[] = [];
    holder.onChange((c) => changes.push(c));
    expect(holder.state).toBe('ACTIVE');
    holder.set('HALTED', 'incident', 'alice', 10);
    holder.set('HALTED', 'still', 'alice', 11);
    holder.set('ACTIVE', 'resolved', 'bob', 12);
    expect(changes).toEqual([
      { from: 'ACTIVE', to: 'HALTED', reason: 'incident', actor: 'alice', time: 10 },
      { from: 'HALTED', to: 'ACTIVE', reason: 'resolved', actor: 'bob', time: 12 },
    ]);
    expect(holder.history).toEqual(changes);
  });

  it('keeps the stricter of the manual state and the holds', () => {
    const holder = new TradingStateHolder();
    holder.hold('daily-loss', 'REDUCING', 'daily loss 5%', 1);
    expect(holder.state).toBe('REDUCING');
    const request = holder.set('ACTIVE', 'resume', 'bob', 2);
    expect(request).toMatchObject({ requested: 'ACTIVE', effective: 'REDUCING', heldBy: ['daily-loss'] });
    holder.set('HALTED', 'kill', 'alice', 3);
    expect(holder.state).toBe('HALTED');
    holder.set('ACTIVE', 'resume', 'alice', 4);
    expect(holder.state).toBe('REDUCING');
    holder.release('daily-loss', 'new day', 5);
    expect(holder.state).toBe('ACTIVE');
    expect(holder.history.at(-1)).toEqual({ from: 'REDUCING', to: 'ACTIVE', reason: 'new day', actor: 'daily-loss', time: 5 });
  });

  it('tells request listeners about every manual set, including ones a hold overrides', () => {
    const holder = new TradingStateHolder();
    const requests: TradingStateRequest[] = [];
    holder.onRequest((r) => requests.push(r));
    holder.hold('max-drawdown', 'HALTED', 'drawdown', 1);
    holder.set('ACTIVE', 'please', 'bob', 2);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ previous: 'ACTIVE', requested: 'ACTIVE', effective: 'HALTED', heldBy: ['max-drawdown'], actor: 'bob' });
  });

  it('unsubscribes listeners', () => {
    const holder = new TradingStateHolder();
    let n = 0;
    const off = holder.onChange(() => n++);
    holder.set('HALTED', 'x', 'a', 1);
    off();
    holder.set('ACTIVE', 'x', 'a', 2);
    expect(n).toBe(1);
  });
});
