/**
 * A small finance lexicon for headline sentiment, written for Arbiter (not derived from any
 * proprietary or licensed word list). It is deliberately short and honest: 230 words and phrases
 * that move prices in market news, each scored ±1 (mild) or ±2 (strong), chosen for their
 * financial sense — "miss" is negative (an earnings miss), "beat" positive, "fine" is absent
 * (ambiguous) while "fined" is negative. Phrases are matched before single words so that
 * "profit warning" is not read as "profit".
 *
 * Scoring of a text (see {@link scoreText}):
 * 1. lower-case, split into words (letters, digits, `'`, `-`, `&`);
 * 2. match phrases (longest first), then words;
 * 3. a negator ("not", "no", "never", "without", "fails to", "n't") up to three words before a term
 *    flips its sign and halves it ("not bullish" is mildly bearish, not strongly);
 * 4. score = Σ / (|Σ| + 2), in (−1, 1): one strong word gives ±0.5, two ±0.67.
 *
 * What it cannot do: sarcasm, comparisons ("less bad than feared"), numbers ("up 2%" counts only
 * the verb), and who the subject is (a competitor's bad news counts as bad). Documented in
 * docs/decision-core.md.
 */

/** Term → score. Multi-word entries are phrases. */
export const FINANCE_LEXICON: Readonly<Record<string, number>> = Object.freeze({
  // ---- strong positive
  beat: 2, beats: 2, 'beat estimates': 2, 'beats estimates': 2, 'better than expected': 2, 'better-than-expected': 2,
  surge: 2, surges: 2, surged: 2, surging: 2, soar: 2, soars: 2, soared: 2, soaring: 2,
  rally: 2, rallies: 2, rallied: 2, skyrocket: 2, skyrockets: 2, skyrocketed: 2,
  'record high': 2, 'all-time high': 2, 'all time high': 2, upgrade: 2, upgrades: 2, upgraded: 2,
  outperform: 2, outperforms: 2, outperformed: 2, bullish: 2, 'raises guidance': 2, 'raised guidance': 2,
  'raises forecast': 2, approval: 2, approved: 2, approves: 2, inflows: 2, 'record profit': 2,
  // ---- mild positive
  gain: 1, gains: 1, gained: 1, rise: 1, rises: 1, rose: 1, rising: 1, climb: 1, climbs: 1, climbed: 1,
  jump: 1, jumps: 1, jumped: 1, rebound: 1, rebounds: 1, rebounded: 1, recover: 1, recovers: 1, recovery: 1,
  advance: 1, advances: 1, higher: 1,
  growth: 1, grows: 1, profit: 1, profits: 1, profitable: 1, exceed: 1, exceeds: 1, exceeded: 1,
  strong: 1, stronger: 1, strength: 1, robust: 1, upbeat: 1, optimism: 1, optimistic: 1,
  adoption: 1, partnership: 1, partners: 1, launch: 1, launches: 1, expansion: 1, expands: 1, boost: 1, boosts: 1, boosted: 1,
  buyback: 1, buybacks: 1, dividend: 1, 'dividend increase': 2, 'rate cut': 1, 'rate cuts': 1, stimulus: 1,
  breakout: 1, accumulation: 1, accumulate: 1, 'short squeeze': 1, win: 1, wins: 1, won: 1,
  'buy rating': 1, overweight: 1, 'price target raised': 2, 'raises price target': 2,
  // ---- strong negative
  miss: -2, misses: -2, missed: -2, 'misses estimates': -2, 'worse than expected': -2, 'worse-than-expected': -2,
  plunge: -2, plunges: -2, plunged: -2, plunging: -2, crash: -2, crashes: -2, crashed: -2, tumble: -2, tumbles: -2, tumbled: -2,
  slump: -2, slumps: -2, slumped: -2, selloff: -2, 'sell-off': -2, collapse: -2, collapses: -2, collapsed: -2,
  downgrade: -2, downgrades: -2, downgraded: -2, underperform: -2, underperforms: -2, bearish: -2,
  fraud: -2, hack: -2, hacked: -2, exploit: -2, exploited: -2, ban: -2, bans: -2, banned: -2,
  bankruptcy: -2, bankrupt: -2, insolvent: -2, insolvency: -2, default: -2, defaults: -2, defaulted: -2,
  outflows: -2, recession: -2, delist: -2, delisted: -2, delisting: -2, 'profit warning': -2, 'cuts guidance': -2,
  'lowers guidance': -2, 'lowered guidance': -2, 'guidance cut': -2, crackdown: -2, capitulation: -2,
  'price target cut': -2, 'cuts price target': -2, 'going concern': -2,
  // ---- mild negative
  fall: -1, falls: -1, fell: -1, falling: -1, drop: -1, drops: -1, dropped: -1, decline: -1, declines: -1, declined: -1,
  slide: -1, slides: -1, slid: -1, sink: -1, sinks: -1, sank: -1, lower: -1, loss: -1, losses: -1, weak: -1, weaker: -1,
  weakness: -1, warning: -1, warns: -1, warned: -1, lawsuit: -1, sues: -1, sued: -1, probe: -1, investigation: -1,
  subpoena: -1, fined: -1, penalty: -1, layoffs: -1, 'job cuts': -1, recall: -1, recalls: -1, liquidation: -1,
  liquidations: -1, 'rate hike': -1, 'rate hikes': -1, fear: -1, fears: -1, concern: -1, concerns: -1, worries: -1,
  pessimism: -1, pessimistic: -1, slowdown: -1, shortfall: -1, sanctions: -1, halt: -1, halted: -1, outage: -1,
  rejects: -1, rejected: -1, rejection: -1, dump: -1, dumps: -1, 'sell rating': -1, underweight: -1, volatile: -1,
  uncertainty: -1, 'short seller': -1, delay: -1, delays: -1, delayed: -1,
});

const NEGATORS = new Set(['not', 'no', 'never', 'without', 'nor', "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "won't", "can't", 'cannot', 'fails', 'failed', 'fail']);
const NEGATION_REACH = 3;

/** The longest phrase in the lexicon, in words. */
const MAX_PHRASE = Math.max(...Object.keys(FINANCE_LEXICON).map((k) => k.split(' ').length));

/** Words of a text, lower-cased. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[’‘]/g, "'").match(/[a-z0-9&][a-z0-9&'-]*/g) ?? [];
}

/** One matched term, for reasons and tests. */
export interface TermHit {
  readonly term: string;
  readonly score: number;
  readonly negated: boolean;
}

/** The scored text: `score` in (−1, 1), and the terms that made it. */
export interface TextScore {
  readonly score: number;
  readonly raw: number;
  readonly hits: readonly TermHit[];
}

/**
 * Scores a text with a lexicon (default {@link FINANCE_LEXICON}).
 * @example scoreText('Bitcoin surges to record high as ETF inflows jump').score // 7 / 9 = 0.778
 */
export function scoreText(text: string, lexicon: Readonly<Record<string, number>> = FINANCE_LEXICON): TextScore {
  const w = words(text);
  const hits: TermHit[] = [];
  let raw = 0;
  let lastNegator = -Infinity;
  for (let i = 0; i < w.length; ) {
    let matched = 0;
    let term = '';
    for (let len = Math.min(MAX_PHRASE, w.length - i); len >= 1; len--) {
      const candidate = w.slice(i, i + len).join(' ');
      const score = lexicon[candidate];
      if (score !== undefined) {
        matched = len;
        term = candidate;
        break;
      }
    }
    if (matched === 0) {
      if (NEGATORS.has(w[i]!) || w[i]!.endsWith("n't")) lastNegator = i;
      i++;
      continue;
    }
    const base = lexicon[term]!;
    if (base !== 0) {
      const negated = i - lastNegator <= NEGATION_REACH;
      const score = negated ? -base / 2 : base;
      raw += score;
      hits.push({ term, score, negated });
    }
    i += matched;
  }
  return { score: raw / (Math.abs(raw) + 2), raw, hits };
}
