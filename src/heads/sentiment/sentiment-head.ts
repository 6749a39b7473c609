/**
 * The sentiment head: news about the symbol in the last `lookbackMs`, scored with the finance
 * lexicon, weighted by recency (half-life `halfLifeMs`).
 *
 * S = Σ wᵢ·sᵢ / Σ wᵢ with wᵢ = 2^(−ageᵢ / halfLife), over the items available at the decision
 * time that mention the symbol (its ticker, base asset, or an alias such as "bitcoin"; or the
 * feed tagged them with it) and scored non-zero. The head speaks when at least `minItems` items
 * count and |S| ≥ `minScore`: direction S, raw confidence 0.5 + 0.4·|S|·n/(n + 1).
 *
 * Point in time: the head reads its buffer only through `window(now − lookback, now]`, so a story
 * published after the bar closed is never seen, in a backtest or live.
 */
import { z } from 'zod';
import { clamp, horizonOf, parseOptions, signed } from '../config.js';
import { roundInput, type HeadContext, type Signal, type SignalHead } from '../signal.js';
import { scoreText, type TextScore } from './lexicon.js';
import { NewsBuffer, availableAt, type NewsItem } from './news.js';

/** Names of well-known assets, so that "bitcoin" counts for BTC/USDT. Extend with `aliases`. */
export const ASSET_ALIASES: Readonly<Record<string, readonly string[]>> = {
  BTC: ['bitcoin', 'btc'], ETH: ['ethereum', 'ether', 'eth'], XRP: ['xrp', 'ripple'], SOL: ['solana', 'sol'],
  BNB: ['bnb', 'binance coin'], ADA: ['cardano', 'ada'], DOGE: ['dogecoin', 'doge'], GOOG: ['google', 'alphabet', 'goog', 'googl'],
  GOOGL: ['google', 'alphabet', 'goog', 'googl'], AAPL: ['apple', 'aapl'], MSFT: ['microsoft', 'msft'], SPY: ['s&p 500', 's&p', 'spy', 'wall street', 'stocks'],
};

export const sentimentHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('sentiment'),
  /** How far back news counts (ms). Default 24 h. */
  lookbackMs: z.number().positive().default(86_400_000),
  /** Age at which an item counts half (ms). Default 6 h. */
  halfLifeMs: z.number().positive().default(21_600_000),
  /** Fewest scored items for an opinion. */
  minItems: z.number().int().min(1).default(1),
  /** Smallest |S| at which the head gives a signal. */
  minScore: z.number().min(0).max(1).default(0.1),
  /** Extra names per symbol or base asset, e.g. `{ "BTC/USDT": ["btc", "bitcoin"] }`. */
  aliases: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /** The signal's horizon in bars. */
  horizonBars: z.number().int().min(1).default(24),
});

export type SentimentHeadOptions = z.input<typeof sentimentHeadSchema> & {
  /** Where the news comes from: a buffer fed by a poller (live) or filled from a recording (backtest). */
  readonly news: NewsBuffer | readonly NewsItem[];
};

/** Lower-case names that identify a symbol in text. */
export function symbolTerms(symbol: string, aliases: Readonly<Record<string, readonly string[]>> = {}): string[] {
  const base = symbol.split(/[/:-]/)[0]!.toUpperCase();
  const terms = new Set<string>([base.toLowerCase(), symbol.toLowerCase(), ...(ASSET_ALIASES[base] ?? []), ...(aliases[symbol] ?? []), ...(aliases[base] ?? [])]);
  return [...terms].filter((t) => t.length >= 2);
}

function mentions(item: NewsItem, symbol: string, terms: readonly string[]): boolean {
  const base = symbol.split(/[/:-]/)[0]!.toUpperCase();
  if (item.symbols?.some((s) => s.toUpperCase() === symbol.toUpperCase() || s.toUpperCase() === base)) return true;
  const text = ` ${`${item.title} ${item.summary}`.toLowerCase()} `;
  return terms.some((t) => new RegExp(`(^|[^a-z0-9])${t.replace(/[.*+?^${}()|[\]\\&]/g, '\\$&')}([^a-z0-9]|$)`).test(text));
}

/**
 * @example
 * sentimentHead({ news: loadNewsFile('news.json'), lookbackMs: 12 * 3_600_000 });
 */
export function sentimentHead(options: SentimentHeadOptions): SignalHead {
  const { news, ...rest } = options;
  const o = parseOptions(sentimentHeadSchema, rest, 'heads.sentiment');
  const buffer = news instanceof NewsBuffer ? news : new NewsBuffer(news);
  const scores = new Map<string, TextScore>();
  const termsOf = new Map<string, string[]>();
  const mentionCache = new Map<string, boolean>();
  const score = (item: NewsItem): TextScore => {
    let s = scores.get(item.id);
    if (!s) {
      s = scoreText(`${item.title}. ${item.summary}`);
      scores.set(item.id, s);
    }
    return s;
  };
  return {
    id: o.id,
    kind: 'sentiment',
    description: `news sentiment over ${o.lookbackMs / 3_600_000} h, half-life ${o.halfLifeMs / 3_600_000} h, finance lexicon`,
    evaluate(ctx: HeadContext): Signal | undefined {
      const now = ctx.time;
      let terms = termsOf.get(ctx.symbol);
      if (!terms) {
        terms = symbolTerms(ctx.symbol, o.aliases);
        termsOf.set(ctx.symbol, terms);
      }
      let num = 0;
      let den = 0;
      let n = 0;
      let latest: NewsItem | undefined;
      for (const item of buffer.window(now - o.lookbackMs, now)) {
        const key = `${ctx.symbol}\n${item.id}`;
        let about = mentionCache.get(key);
        if (about === undefined) {
          about = mentions(item, ctx.symbol, terms);
          mentionCache.set(key, about);
        }
        if (!about) continue;
        const s = score(item);
        if (s.raw === 0) continue;
        const w = 2 ** (-(now - availableAt(item)) / o.halfLifeMs);
        num += w * s.score;
        den += w;
        n++;
        latest = item;
      }
      if (n < o.minItems || den === 0) return undefined;
      const S = num / den;
      if (!(Math.abs(S) >= o.minScore)) return undefined;
      const hits = latest ? score(latest).hits.map((h) => `${h.negated ? 'not ' : ''}${h.term}`).join(', ') : '';
      return {
        direction: clamp(S),
        confidence: 0.5 + 0.4 * Math.abs(S) * (n / (n + 1)),
        horizonMs: horizonOf(o.horizonBars, ctx.timeframe),
        reason: `news sentiment ${signed(S)} over ${n} item${n === 1 ? '' : 's'}; latest: "${latest!.title.slice(0, 120)}" (${hits})`,
        inputs: { items: n, sentiment: roundInput(S), latestId: latest!.id, latestPublishedAt: latest!.publishedAt },
      };
    },
  };
}
