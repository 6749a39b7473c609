import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../core/clock.js';
import { ConfigurationError } from '../../core/errors.js';
import type { ComponentState } from '../../core/lifecycle.js';
import type { MarketDataSink } from '../../data/client.js';
import { BarTable, type Bar } from '../../model/bar.js';
import { ReplayDataClient } from './data-client.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function hourly(symbol: string, hours: readonly number[]): BarTable {
  return BarTable.fromBars(symbol, '1h', hours.map((h) => ({ time: T0 + h * HOUR, open: 10 + h, high: 11 + h, low: 9 + h, close: 10.5 + h, volume: 100 })));
}

/** Records what arrives, with the clock's time at each call. */
function recorder(clock: SimulatedClock, options: { refuse?: (bar: Bar) => boolean; onClose?: (bar: Bar) => void } = {}) {
  const calls: string[] = [];
  const sink: MarketDataSink = {
    marketBar(bar) {
      calls.push(`market ${bar.symbol} ${(bar.time - T0) / HOUR} @${(clock.now() - T0) / HOUR}`);
      return !(options.refuse?.(bar) ?? false);
    },
    closeBar(bar) {
      calls.push(`close ${bar.symbol} ${(bar.time - T0) / HOUR} @${(clock.now() - T0) / HOUR}`);
      options.onClose?.(bar);
    },
    onBar: () => { throw new Error('a replay delivers bars in two phases'); },
    onTrade: () => {},
    onQuote: () => {},
    onBook: () => {},
  };
  return { sink, calls };
}

describe('ReplayDataClient', () => {
  it('delivers bars in time order across symbols: all trade at the open, then all close at the close', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', [0, 1, 3]), hourly('B', [1, 2, 3])], clock, { speed: 'max' });
    const { sink, calls } = recorder(clock);
    await client.start(sink);
    await client.finished;
    expect(calls).toEqual([
      'market A 0 @0', 'close A 0 @1',
      'market A 1 @1', 'market B 1 @1', 'close A 1 @2', 'close B 1 @2',
      'market B 2 @2', 'close B 2 @3',
      'market A 3 @3', 'market B 3 @3', 'close A 3 @4', 'close B 3 @4',
    ]);
    expect(client.progress).toEqual({ delivered: 4, total: 4, time: T0 + 3 * HOUR });
    expect(client.lifecycle.current.state).toBe('stopped');
  });

  it('does not close a bar the sink refused', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', [0, 1])], clock, { speed: 'max' });
    const { sink, calls } = recorder(clock, { refuse: (bar) => bar.time === T0 });
    await client.start(sink);
    await client.finished;
    expect(calls).toEqual(['market A 0 @0', 'market A 1 @1', 'close A 1 @2']);
  });

  it('stops after maxSteps', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', [0, 1, 2, 3, 4])], clock, { speed: 'max', maxSteps: 2 });
    const { sink, calls } = recorder(clock);
    await client.start(sink);
    await client.finished;
    expect(calls.filter((c) => c.startsWith('close'))).toEqual(['close A 0 @1', 'close A 1 @2']);
    expect(client.progress.total).toBe(2);
  });

  it('paces delivery with timers and ends early on stop()', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', Array.from({ length: 1000 }, (_, i) => i))], clock, { speed: 20 });
    let closes = 0;
    const { sink } = recorder(clock, { onClose: () => { closes++; } });
    await client.start(sink);
    // Delivery is asynchronous: start() returns before the data does.
    expect(closes).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await client.stop();
    const after = closes;
    await client.finished;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(1000);
    expect(closes).toBe(after);
    expect(client.lifecycle.current.state).toBe('stopped');
  });

  it('faults and rejects `finished` when the consumer throws, and delivers nothing more', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', [0, 1, 2, 3])], clock, { speed: 'max' });
    const states: ComponentState[] = [];
    client.lifecycle.onChange((s) => states.push(s.state));
    const { sink, calls } = recorder(clock, { onClose: (bar) => { if (bar.time === T0 + HOUR) throw new Error('strategy failed'); } });
    await client.start(sink);
    await expect(client.finished).rejects.toThrow('strategy failed');
    expect(states).toEqual(['running', 'faulted']);
    expect(client.lifecycle.current.reason).toBe('strategy failed');
    expect(calls.at(-1)).toBe('close A 1 @2');
  });

  it('can be stepped by hand', async () => {
    const clock = new SimulatedClock(T0);
    const client = new ReplayDataClient([hourly('A', [0, 1])], clock, { speed: 1 });
    const { sink, calls } = recorder(clock);
    await client.start(sink);
    await client.stop();
    const before = calls.length;
    expect(client.step()).toBe(true);
    expect(calls.length).toBe(before + 2);
  });

  it('validates its options and data', () => {
    const clock = new SimulatedClock();
    expect(() => new ReplayDataClient([hourly('A', [0])], clock, { speed: -1 })).toThrow(ConfigurationError);
    expect(() => new ReplayDataClient([hourly('A', [0])], clock, { speed: -1 })).toThrow(/^replay\.speed: /);
    expect(() => new ReplayDataClient([], clock)).toThrow('replay.data: nothing to replay');
    const daily = BarTable.fromBars('B', '1d', [{ time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    expect(() => new ReplayDataClient([hourly('A', [0]), daily], clock)).toThrow(/share one timeframe/);
  });
});
