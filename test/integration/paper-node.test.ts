/**
 * The "one kernel" promise: paper trading — the live node fed by a replay data client on a
 * simulated clock — makes exactly the trades, orders and equity curve of a backtest of the same
 * bars with the same options. Real bundled data.
 */
import { describe, expect, it } from 'vitest';
import { ReplayDataClient } from '../../src/adapters/replay/index.js';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { SimulatedClock } from '../../src/core/clock.js';
import { StrategyError } from '../../src/core/errors.js';
import type { ComponentStatus } from '../../src/core/lifecycle.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { LiveNode, type LiveNodeOptions, type NodeStatus } from '../../src/live/node.js';
import type { BarTable } from '../../src/model/bar.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import { scripted } from '../kit/scripted.js';

const btc = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
const btc1m = (await loadBars(bundledDataPath('BTC_USD_USD-1m-futures.csv'))).table.slice(0, 600);
const spy = (await loadBars(bundledDataPath('SPY-1d.csv'))).table;
const goog = (await loadBars(bundledDataPath('GOOG-1d.csv'))).table;

function window(table: BarTable, from: string, bars: number): BarTable {
  const start = table.time.indexOf(Date.parse(`${from}T00:00:00Z`));
  return table.slice(start, start + bars);
}

interface Setup {
  readonly tables: readonly BarTable[];
  readonly strategy: string;
  readonly params?: Record<string, unknown>;
  readonly sim?: BacktestOptions['sim'];
  readonly account?: BacktestOptions['account'];
}

async function paper(setup: Setup, speed: number | 'max' = 'max', extra: Partial<LiveNodeOptions> = {}) {
  const { definition } = await loadStrategy(setup.strategy);
  const clock = new SimulatedClock(Math.min(...setup.tables.map((t) => t.time[0]!)));
  const feed = new ReplayDataClient(setup.tables, clock, { speed });
  const node = new LiveNode({
    strategy: definition, params: setup.params ?? {}, dataClient: feed, clock, cash: 10_000,
    ...(setup.sim ? { sim: setup.sim } : {}), ...(setup.account ? { account: setup.account } : {}), ...extra,
  });
  return { node, feed };
}

async function backtest(setup: Setup) {
  const { definition } = await loadStrategy(setup.strategy);
  return runBacktest({
    data: setup.tables, strategy: definition, params: setup.params ?? {}, cash: 10_000, closeAtEnd: false,
    ...(setup.sim ? { sim: setup.sim } : {}), ...(setup.account ? { account: setup.account } : {}),
  });
}

function orderLog(orders: ReturnType<LiveNode['kernel']['execution']['all']>) {
  return orders.map((o) => [o.clientOrderId, o.symbol, o.side, o.type, o.status, o.filledQuantity, o.avgFillPrice, o.fees, o.createdAt, o.updatedAt, o.tag]);
}

const fees = { maker: 0.001, taker: 0.001 };

describe('paper trading on the live node equals a backtest of the same bars', () => {
  it.each<[string, Setup]>([
    ['ema-cross on BTC/USDT 1h', { tables: [btc], strategy: 'ema-cross', sim: { fees } }],
    ['sma-cross long/short on BTC/USDT 1h with slippage and latency', { tables: [btc], strategy: 'sma-cross', params: { allowShort: true }, sim: { fees, slippage: { kind: 'fixed-bps', bps: 5 }, latencyMs: 60_000 } }],
    ['rsi-mean-reversion with a stop-loss on 600 BTC perp 1m bars', { tables: [btc1m], strategy: 'rsi-mean-reversion', params: { period: 7, lower: 25, upper: 75, stoploss: -0.002 }, sim: { fees } }],
    ['bollinger-breakout on SPY and GOOG together, daily', { tables: [window(spy, '2005-01-03', 400), window(goog, '2005-01-03', 400)], strategy: 'bollinger-breakout', sim: { fees } }],
    ['buy-and-hold on a cash account', { tables: [btc], strategy: 'buy-and-hold', sim: { fees }, account: { type: 'cash' } }],
  ])('%s', async (_name, setup) => {
    const expected = await backtest(setup);
    const { node } = await paper(setup);
    await node.run();

    expect(expected.kernel.portfolio.trades.length + expected.kernel.portfolio.openPositions().length).toBeGreaterThan(0);
    expect(node.kernel.portfolio.trades).toEqual(expected.kernel.portfolio.trades);
    expect(orderLog(node.kernel.execution.all())).toEqual(orderLog(expected.kernel.execution.all()));
    const curve = node.equityCurve();
    expect(Array.from(curve.time, (t, i) => [t, curve.equity[i]])).toEqual(expected.report.equity);
    expect(node.stepsInMarket).toBe(Math.round(expected.report.metrics.exposure! * expected.report.equity.length));
    expect(node.kernel.portfolio.equity).toBe(expected.report.metrics.finalEquity);
    expect(node.environment).toBe('paper');
    expect(node.lifecycle.current.state).toBe('stopped');
  });

  it('gives the same trades when paced by timers instead of running flat out', async () => {
    const setup: Setup = { tables: [btc.slice(0, 200)], strategy: 'ema-cross', params: { fast: 5, slow: 12 }, sim: { fees } };
    const expected = await backtest(setup);
    const { node } = await paper(setup, 5_000);
    await node.run();
    expect(expected.kernel.portfolio.trades.length).toBeGreaterThan(2);
    expect(node.kernel.portfolio.trades).toEqual(expected.kernel.portfolio.trades);
  });
});

describe('the live node', () => {
  it('publishes a status after each step and its components\' lifecycles on its bus', async () => {
    const { node } = await paper({ tables: [btc.slice(0, 120)], strategy: 'sma-cross', params: { fast: 5, slow: 20 }, sim: { fees } });
    const statuses: NodeStatus[] = [];
    const components: ComponentStatus[] = [];
    node.kernel.bus.subscribe('node.status', (s) => statuses.push(s));
    node.kernel.bus.subscribe('component', (s) => components.push(s));
    await node.run();
    expect(statuses.map((s) => s.steps)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(statuses.at(-1)!.lastBarTime).toBe(btc.time[119]);
    expect(statuses.at(-1)!.equity).toBe(node.kernel.portfolio.equity);
    expect(statuses.some((s) => s.positions.length > 0)).toBe(true);
    expect(components.map((c) => `${c.name}:${c.state}`)).toEqual(
      expect.arrayContaining(['node:running', 'data-client:replay:running', 'data-client:replay:stopped', 'node:stopped']),
    );
  });

  it('stops on request, keeping its positions and what it has seen so far', async () => {
    const { node, feed } = await paper({ tables: [btc], strategy: 'buy-and-hold', sim: { fees } }, 2_000);
    await node.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await node.stop();
    await node.finished;
    const seen = feed.progress.delivered;
    expect(seen).toBeGreaterThan(1);
    expect(seen).toBeLessThan(btc.length);
    expect(node.equityCurve().time.length).toBe(seen);
    expect(node.kernel.portfolio.openPositions()).toHaveLength(1);
    expect(node.lifecycle.current.state).toBe('stopped');
  });

  it('faults with the strategy\'s error, naming the strategy and the callback', async () => {
    const clock = new SimulatedClock(btc.time[0]);
    const feed = new ReplayDataClient([btc.slice(0, 50)], clock, { speed: 'max' });
    const failing = scripted({ 10: () => { throw new Error('bad idea'); } }, { name: 'failing' });
    const node = new LiveNode({ strategy: failing, dataClient: feed, clock });
    const error: unknown = await node.run().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StrategyError);
    expect((error as Error).message).toBe('strategy "failing" failed in onBar: bad idea');
    expect(node.lifecycle.current.state).toBe('faulted');
    // Ten steps completed; the eleventh failed while its bar closed.
    expect(feed.progress.delivered).toBe(10);
  });
});
