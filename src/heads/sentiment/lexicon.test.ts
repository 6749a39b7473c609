import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINANCE_LEXICON, scoreText, words } from './lexicon.js';

describe('the finance lexicon', () => {
  it('scores strong good news up and strong bad news down', () => {
    expect(scoreText('Bitcoin surges to record high as ETF inflows jump').score).toBeCloseTo(7 / 9, 12);
    expect(scoreText('Exchange hack: withdrawals halted, bitcoin plunges').score).toBeCloseTo(-5 / 7, 12);
  });

  it('reads words in their financial sense', () => {
    expect(scoreText('Company misses estimates').score).toBeLessThan(0);
    expect(scoreText('Company beats estimates').score).toBeGreaterThan(0);
    expect(scoreText('Bank fined over reporting').score).toBeLessThan(0);
    expect(scoreText('The weather is fine').raw).toBe(0);
  });

  it('matches phrases before their words', () => {
    const s = scoreText('Retailer issues profit warning');
    expect(s.hits).toEqual([{ term: 'profit warning', score: -2, negated: false }]);
    expect(scoreText('Alphabet raises guidance').hits.map((h) => h.term)).toEqual(['raises guidance']);
  });

  it('flips and halves a term after a negator', () => {
    expect(scoreText('Bitcoin is not bullish here').hits).toEqual([{ term: 'bullish', score: -1, negated: true }]);
    expect(scoreText("Shares didn't rally").hits[0]).toMatchObject({ score: -1, negated: true });
    // Out of reach: more than three words back.
    expect(scoreText('not that anyone expected a rally').hits[0]).toMatchObject({ score: 2, negated: false });
  });

  it('has only mild or strong entries', () => {
    for (const [term, score] of Object.entries(FINANCE_LEXICON)) expect([-2, -1, 0, 1, 2], term).toContain(score);
    expect(Object.keys(FINANCE_LEXICON).length).toBeGreaterThan(150);
  });

  it('always scores inside (−1, 1), and 0 for text without lexicon words', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...Object.keys(FINANCE_LEXICON), 'not', 'the', 'bitcoin', 'x'), { maxLength: 30 }), (ws) => {
      const s = scoreText(ws.join(' '));
      expect(s.score).toBeGreaterThan(-1);
      expect(s.score).toBeLessThan(1);
      expect(Math.sign(s.score)).toBe(Math.sign(s.raw));
    }));
    expect(scoreText('the quick brown fox').score).toBe(0);
    expect(words("Bitcoin’s S&P-linked ETF isn't up")).toEqual(["bitcoin's", 's&p-linked', 'etf', "isn't", 'up']);
  });
});
