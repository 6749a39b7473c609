/** The signal heads as a list of decisions shows them. Pure (tested in heads.test.ts). */
import type { Decision, Head } from '../api/types.js';

/**
 * One row per head that voted: its weight and state in its latest vote, its votes (signals) and
 * faulted votes (errors), and the time of its latest vote. Decisions may come in any order.
 */
export function headsOf(decisions: readonly Decision[]): Head[] {
  const heads = new Map<string, Head & { signals: number; errors: number }>();
  const newestFirst = [...decisions].sort((a, b) => b.created_at - a.created_at);
  for (const d of newestFirst) {
    for (const v of d.votes) {
      let h = heads.get(v.head);
      if (!h) {
        h = { name: v.head, kind: 'vote', state: v.status === 'faulted' ? 'faulted' : 'running', weight: v.weight, signals: 0, errors: 0, last_signal_at: d.created_at };
        heads.set(v.head, h);
      }
      h.signals++;
      if (v.status === 'faulted') h.errors++;
    }
  }
  return [...heads.values()].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
}
