/** Horizontal price lines on the live chart. Pure (tested in levels.test.ts). */
import type { Decision, Order, Position } from '../api/types.js';
import type { PriceLevel } from '../components/charts.js';

/** Entry from the position; stop and target from resting exit orders, else from the latest decision. */
export function levelsFor(position: Position | undefined, openOrders: readonly Order[], decision: Decision | undefined): PriceLevel[] {
  const levels: PriceLevel[] = [];
  if (position && position.avg_price !== null) levels.push({ price: position.avg_price, kind: 'entry', label: 'entry' });
  const exitSide = position ? (position.quantity > 0 || position.side === 'long' ? 'sell' : 'buy') : undefined;
  let stop = false;
  let target = false;
  for (const o of openOrders) {
    const isStop = /stop/i.test(o.type) && o.trigger_price !== null;
    if (isStop) {
      levels.push({ price: o.trigger_price!, kind: 'stop', label: `stop ${o.side}` });
      stop = true;
    } else if (/limit/i.test(o.type) && o.price !== null && (exitSide === undefined || o.side === exitSide)) {
      levels.push({ price: o.price, kind: exitSide ? 'target' : 'entry', label: exitSide ? 'target' : `limit ${o.side}` });
      if (exitSide) target = true;
    }
  }
  if (position && decision && decision.symbol === position.symbol) {
    if (!stop && decision.stop_loss !== null) levels.push({ price: decision.stop_loss, kind: 'stop', label: 'stop (decision)' });
    if (!target && decision.take_profit !== null) levels.push({ price: decision.take_profit, kind: 'target', label: 'target (decision)' });
  }
  return levels;
}
