/**
 * Scripted strategies for reference tests: run an action when a given bar (0-based index of the
 * base timeframe) closes — "on bar 1, buy 100 with a take-profit at 3".
 */
import { z } from 'zod';
import { BarTable, type Bar } from '../../src/model/bar.js';
import { defineStrategy, type StrategyContext, type StrategyDefinition } from '../../src/strategy/index.js';

export type Script = Record<number, (ctx: StrategyContext, bar: Bar) => void>;

export function scripted(script: Script, options: { name?: string; onEveryBar?: (ctx: StrategyContext, bar: Bar, index: number) => void } = {}): StrategyDefinition<Record<string, never>> {
  return defineStrategy({
    name: options.name ?? 'scripted',
    params: z.strictObject({}),
    setup() {
      let index = -1;
      return {
        onBar(bar, ctx) {
          index++;
          options.onEveryBar?.(ctx, bar, index);
          script[index]?.(ctx, bar);
        },
      };
    },
  });
}

/** A daily table from OHLCV rows (times from 2020-01-01 UTC). */
export function dailyTable(symbol: string, rows: ReadonlyArray<readonly [number, number, number, number, number?]>): BarTable {
  const day = 86_400_000;
  const start = Date.UTC(2020, 0, 1);
  return BarTable.fromBars(symbol, '1d', rows.map(([open, high, low, close, volume], i) => ({ time: start + i * day, open, high, low, close, volume: volume ?? 1000 })));
}

/** Index of the row whose time is the given UTC date (YYYY-MM-DD). */
export function indexOfDate(table: BarTable, date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  const i = table.time.indexOf(t);
  if (i < 0) throw new Error(`${date} is not in ${table.symbol}`);
  return i;
}
