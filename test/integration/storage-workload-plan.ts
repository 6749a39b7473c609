/** What the storage workload writes, shared by the writer process and the checks in the parent. */
import type { OrderEvent } from '../../src/model/events.js';
import { OrderScript } from '../kit/order-events.js';

export const T0 = Date.UTC(2024, 0, 1);

/** The fixed lifecycle of order `n` of a writer: six events ending filled. */
export function lifecycle(writer: string, n: number): OrderEvent[] {
  const s = new OrderScript(`${writer}-O-${n}`, { size: { base: 3 } }, T0 + n * 1000);
  const t = T0 + n * 1000;
  return [s.initialized(), s.submitted(t + 1), s.accepted(t + 2), s.filled(t + 3, 1, 100 + n), s.filled(t + 4, 1.5, 101 + n), s.filled(t + 5, 0.5, 99 + n)];
}

export function voteCount(n: number): number {
  return (n % 4) + 1;
}

