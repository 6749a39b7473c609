import { describe, expect, it } from 'vitest';
import type { Vote } from '../consensus/vote.js';
import { HeadActivityBook } from './session.js';

const HOUR = 3_600_000;

function vote(head: string, direction: number, status: Vote['status'] = 'ok', error?: string): Vote {
  return {
    head, status, direction: status === 'ok' ? direction : 0, confidence: status === 'ok' ? 0.6 : 0, rawConfidence: status === 'ok' ? 0.7 : 0, weight: 0.5,
    horizonMs: status === 'ok' ? 2 * HOUR : 0, reason: status === 'ok' ? `${head} says ${direction}` : '', inputs: {}, ...(error ? { error } : {}),
  };
}

describe('HeadActivityBook', () => {
  it('counts votes, signals and faults, keeps the last vote, and scores signals at their horizon', () => {
    const book = new HeadActivityBook();
    // t = 1 h at 100: a long, a short, an abstention.
    book.observe('BTC/USDT', HOUR, 100, [vote('a', 1), vote('b', -0.5), vote('c', 0, 'abstained')]);
    // t = 2 h at 104: a long again, b faulted.
    book.observe('BTC/USDT', 2 * HOUR, 104, [vote('a', 1), vote('b', 0, 'faulted', 'threw: boom'), vote('c', 0, 'abstained')]);
    expect(book.get('a')).toMatchObject({ votes: 2, signals: 2, faults: 0, resolved: 0, hits: 0 });
    expect(book.get('b')).toMatchObject({ votes: 2, signals: 1, faults: 1, last: { status: 'faulted', error: 'threw: boom', time: 2 * HOUR } });
    expect(book.get('c')).toMatchObject({ votes: 2, signals: 0, faults: 0 });

    // Before the horizon nothing is scored; another symbol's bars score nothing.
    book.resolve('BTC/USDT', 2 * HOUR, 104);
    book.resolve('ETH/USDT', 5 * HOUR, 1);
    expect(book.get('a')!.resolved).toBe(0);

    // 3 h at 103: the t = 1 h signals are due (103 > 100: a's long right, b's short wrong).
    book.resolve('BTC/USDT', 3 * HOUR, 103);
    expect(book.get('a')).toMatchObject({ resolved: 1, hits: 1 });
    expect(book.get('b')).toMatchObject({ resolved: 1, hits: 0 });
    // 4 h at 103: a's second long (from 104) is wrong.
    book.resolve('BTC/USDT', 4 * HOUR, 103);
    expect(book.get('a')).toMatchObject({ resolved: 2, hits: 1 });
    expect(book.list().map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});
