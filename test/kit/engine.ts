/**
 * Helpers for engine integration tests: slicing real tables, perturbing bars after a point, and
 * strategies that record everything they see and everything that happens to their orders.
 */
import { z } from 'zod';
import type { Timeframe } from '../../src/core/time.js';
import { BarTable, type Bar } from '../../src/model/bar.js';
import type { Fill } from '../../src/model/fill.js';
import { defineStrategy, type ExitRulesInput, type OrderSize, type StrategyContext, type StrategyDefinition } from '../../src/strategy/index.js';

/** Rows of `table` with open time in [from, to). */
export function sliceTime(table: BarTable, from: number, to = Infinity): BarTable {
  let a = 0;
  while (a < table.length && table.time[a]! < from) a++;
  let b = a;
  while (b < table.length && table.time[b]! < to) b++;
  return table.slice(a, b);
}

/** A copy of `table` with a new symbol. */
export function renamed(table: BarTable, symbol: string): BarTable {
  return new BarTable(symbol, table.timeframe, table.time.slice(), table.open.slice(), table.high.slice(), table.low.slice(), table.close.slice(), table.volume.slice());
}

/**
 * A copy of `table` whose bars after index `k` are replaced by other valid bars drawn from
 * `random` (a [0, 1) generator): a random walk from bar k's close, with consistent high/low.
 */
export function perturbAfter(table: BarTable, k: number, random: () => number): BarTable {
  const t = renamed(table, table.symbol);
  let last = t.close[k]!;
  for (let i = k + 1; i < t.length; i++) {
    const open = last * (0.97 + 0.06 * random());
    const close = open * (0.95 + 0.1 * random());
    const high = Math.max(open, close) * (1 + 0.03 * random());
    const low = Math.min(open, close) * (1 - 0.03 * random());
    t.open[i] = open;
    t.high[i] = high;
    t.low[i] = low;
    t.close[i] = close;
    t.volume[i] = 1 + 1000 * random();
    last = close;
  }
  return t;
}

/** A seeded [0, 1) generator (mulberry32), so a failing case can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ProbeLog {
  /** One line per thing the strategy saw or was told, in order. */
  readonly lines: string[];
  readonly fills: Fill[];
  /** `lines.length` when each fill was reported (places fills between the bars' closes). */
  readonly fillAt: number[];
  /** Index in `lines` just after the onBar of each base bar, by the bar's open time. */
  readonly afterBar: Map<number, number>;
}

/**
 * A strategy that trades often with every kind of order (market and limit entries with timeouts,
 * stop entries, brackets, exit rules with trailing stops and ROI) on a fast/slow mean crossover,
 * optionally reading a higher timeframe, and logs what it sees and every event of its orders.
 */
export function probeStrategy(log: ProbeLog, options: { higher?: Timeframe; exits?: ExitRulesInput; shorts?: boolean; marketOnly?: boolean; size?: OrderSize } = {}): StrategyDefinition {
  const higher = options.higher;
  return defineStrategy({
    name: 'probe',
    params: z.strictObject({}),
    warmup: 20,
    lookback: 200,
    ...(higher ? { timeframes: [higher] } : {}),
    exits: options.exits ?? { stoploss: -0.04, trailingStop: true, trailingStopPositive: 0.01, trailingStopPositiveOffset: 0.02, minimalRoi: { '0': 0.06, '600': 0.01 } },
    setup: () => {
      const see = (ctx: StrategyContext, bar: Bar): void => {
        const s = ctx.series(bar.symbol, bar.timeframe);
        log.lines.push(`bar ${bar.symbol} ${bar.timeframe} ${bar.time} now=${ctx.time} len=${s.length} c=${s.close(0)} ${s.closes(5).join(',')}`);
      };
      return {
        onBar(bar, ctx) {
          see(ctx, bar);
          if (bar.timeframe !== ctx.timeframe) return;
          // Per symbol, so that the data order of several symbols does not change the choice.
          const n = ctx.series().count;
          if (higher) {
            const h = ctx.series(bar.symbol, higher);
            log.lines.push(`htf ${h.length} ${h.length > 0 ? `${h.time(0)} ${h.close(0)}` : '-'}`);
          }
          if (!ctx.isWarmingUp) {
            const closes = ctx.series().closes(20);
            const fast = closes.slice(-5).reduce((a, b) => a + b, 0) / 5;
            const slow = closes.reduce((a, b) => a + b, 0) / 20;
            const flat = ctx.position().quantity === 0 && ctx.openOrders(bar.symbol).length === 0;
            if (flat && fast > slow * 1.002) {
              const kind = options.marketOnly ? 0 : n % 3;
              const size = options.size ? { size: options.size } : {};
              if (kind === 0) ctx.enterLong({ tag: 'market', ...size });
              else if (kind === 1) ctx.enterLong({ price: bar.close * 0.998, timeoutMs: 3 * (ctx.time - ctx.series().time(1)), tag: 'limit', ...size });
              else ctx.enterLong({ stop: bar.close * 1.002, stopLoss: bar.close * 0.97, takeProfit: bar.close * 1.05, timeoutMs: 2 * (ctx.time - ctx.series().time(1)), tag: 'stop', ...size });
            } else if (flat && options.shorts && fast < slow * 0.998) {
              ctx.enterShort({ tag: 'short', ...(options.size ? { size: options.size } : {}) });
            } else if (ctx.position().quantity > 0 && fast < slow) {
              ctx.exitLong();
            } else if (ctx.position().quantity < 0 && fast > slow) {
              ctx.exitShort();
            }
          }
          log.afterBar.set(bar.time, log.lines.length);
        },
        onOrder(event) {
          const f = event.kind === 'order.filled' ? ` ${event.fill.quantity}@${event.fill.price} fee=${event.fill.fee}` : '';
          const extra = event.kind === 'order.updated' ? ` ${event.price ?? ''}/${event.triggerPrice ?? ''}/${event.quantity ?? ''}` : '';
          log.lines.push(`${event.kind} ${event.orderId} ${event.status} ${event.time}${f}${extra}`);
        },
        onFill(fill) {
          log.fills.push(fill);
          log.fillAt.push(log.lines.length);
        },
      };
    },
  });
}

export function newLog(): ProbeLog {
  return { lines: [], fills: [], fillAt: [], afterBar: new Map() };
}
