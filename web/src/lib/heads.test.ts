import { describe, expect, it } from 'vitest';
import type { Decision, Vote } from '../api/types.js';
import { headsOf } from './heads.js';

const vote = (head: string, weight: number, status = 'ok'): Vote => ({ head, direction: 1, confidence: 0.7, weight, status, reason: null, error: status === 'faulted' ? 'timeout' : null });
const decision = (created_at: number, votes: Vote[]) => ({ id: `d${created_at}`, created_at, votes }) as unknown as Decision;

describe('heads from the votes', () => {
  it('takes weight and state from each head\'s newest vote and counts votes and faults', () => {
    const rows = headsOf([
      decision(1, [vote('technical', 0.5), vote('ml', 0.2, 'faulted')]),
      decision(3, [vote('technical', 0.6), vote('ml', 0.3)]),
      decision(2, [vote('technical', 0.55), vote('rules', 0.1)]),
    ]);
    expect(rows.map((h) => [h.name, h.weight, h.state, h.signals, h.errors, h.last_signal_at])).toEqual([
      ['technical', 0.6, 'running', 3, 0, 3],
      ['ml', 0.3, 'running', 2, 1, 3],
      ['rules', 0.1, 'running', 1, 0, 2],
    ]);
  });

  it('is empty without decisions', () => {
    expect(headsOf([])).toEqual([]);
  });
});
