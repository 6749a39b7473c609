/**
 * The scalping service on a paper node (live node + SimulatedExchange fed by a replay client):
 * attached to the node's kernel before it starts, it publishes every decision on the kernel's bus,
 * its order-flow head reads the books in the kernel's market cache, its orders are the scalper's
 * (owner `scalping`) and pass the risk engine — and it trades exactly as in a backtest of the same
 * bars (one kernel, three environments).
 */
import { describe, expect, it } from 'vitest';
import { ReplayDataClient } from '../../src/adapters/replay/index.js';
import { runBacktest } from '../../src/backtest/runner.js';
import { SimulatedClock } from '../../src/core/clock.js';
import type { Decision } from '../../src/consensus/decision.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { LiveNode } from '../../src/live/node.js';
import { ScalpingService } from '../../src/live/scalping/index.js';
import { scripted } from '../kit/scripted.js';

const eth = (await loadBars(bundledDataPath('ETH_BTC-5m.feather'))).table.slice(0, 2500);
const sim = { fees: { maker: 0.0002, taker: 0.0005 } };

describe('the scalping service on a paper node', () => {
  it('decides on the kernel bus, reads the books of the kernel\'s market, and orders as the scalper', async () => {
    const clock = new SimulatedClock(eth.time[0]);
    const node = new LiveNode({ strategy: scripted({}, { name: 'idle' }), dataClient: new ReplayDataClient([eth], clock, { speed: 'max' }), clock, cash: 10_000, sim });
    const service = new ScalpingService({ preset: 'aggressive' });
    service.attach(node.kernel);
    const decisions: Decision[] = [];
    node.kernel.bus.subscribe('decision', (d) => decisions.push(d));
    // A bid-heavy book after each bar, read by the order-flow head at the next close.
    node.kernel.bus.subscribe('bar', (bar) => node.kernel.market.setBook({ symbol: bar.symbol, time: clock.now(), bids: [[bar.close * 0.999, 50]], asks: [[bar.close * 1.001, 10]] }));
    await service.start();
    await node.run();

    expect(decisions.length).toBeGreaterThan(2000);
    const flow = decisions.flatMap((d) => d.votes.filter((v) => v.head === 'orderflow' && v.status === 'ok'));
    expect(flow.length).toBeGreaterThan(100);
    const withBook = flow.filter((v) => v.inputs.bookImbalance !== null);
    expect(withBook.length).toBeGreaterThan(flow.length - 2); // every vote but the first bar's
    for (const v of withBook) expect(v.inputs.bookImbalance as number).toBeCloseTo((50 - 10) / 60, 6);
    const orders = node.kernel.execution.all();
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.owner === 'scalping')).toBe(true);
    expect(service.status().trades.total).toBe(node.kernel.portfolio.trades.length);
  });

  it('trades the same on the node as in a backtest (no books)', async () => {
    const clock = new SimulatedClock(eth.time[0]);
    const node = new LiveNode({ strategy: scripted({}, { name: 'idle' }), dataClient: new ReplayDataClient([eth], clock, { speed: 'max' }), clock, cash: 10_000, sim });
    const live = new ScalpingService({ preset: 'aggressive' });
    live.attach(node.kernel);
    await live.start();
    await node.run();
    const backtested = new ScalpingService({ preset: 'aggressive' });
    await backtested.start();
    const { kernel } = runBacktest({ data: [eth], strategy: backtested.strategy, sim, closeAtEnd: false });
    expect(kernel.portfolio.trades.length).toBeGreaterThan(0);
    const strip = (ts: typeof kernel.portfolio.trades) => ts.map((t) => [t.entryTime, t.exitTime, t.side, t.quantity, t.entryPrice, t.exitPrice, t.exitReason, t.entryTag]);
    expect(strip(node.kernel.portfolio.trades)).toEqual(strip(kernel.portfolio.trades));
  });

  it('sends every order through the risk engine: a symbol the limits do not allow is denied, with the reason', async () => {
    const service = new ScalpingService({ preset: 'aggressive' });
    await service.start();
    const { kernel } = runBacktest({ data: [eth], strategy: service.strategy, sim, risk: { limits: { perSymbol: { 'ETH/BTC': { allowed: false } } } } });
    const orders = kernel.execution.all();
    expect(orders.length).toBeGreaterThan(5);
    expect(orders.every((o) => o.status === 'rejected' && o.reason!.startsWith('symbol-limit: '))).toBe(true);
    expect(kernel.risk.snapshot().denialCounts['symbol-limit']).toBe(orders.length);
    expect(kernel.portfolio.trades).toHaveLength(0);
  });
});
