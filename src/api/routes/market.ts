/** Candles, chart OHLCV with indicators (MISSION §5), the indicator catalogue, features. */
import type { FastifyInstance } from 'fastify';
import { ConfigurationError } from '../../core/errors.js';
import { timeframeMs } from '../../core/time.js';
import { resampleBars } from '../../data/index.js';
import { BUILT_IN_SETS, builtInFeatureSet, generateFeatures, type BuiltInSet } from '../../features/index.js';
import { computeIndicator, listIndicators } from '../../indicators/registry.js';
import type { BarTable } from '../../model/bar.js';
import type { ApiContext } from '../context.js';
import { badRequest, HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import {
  candlesQuery, candlesResponse, chartQuery, chartResponse, featuresRequest, featuresResponse, indicatorsResponse, symbolsResponse,
} from '../schemas/market.js';
import { requireSession, resolveSymbol } from './helpers.js';

/** The candles a request reads: a table and where it came from. */
interface CandleSource {
  readonly table: BarTable;
  readonly source: 'session' | 'storage';
}

/**
 * The session's candles of a symbol so far (resampled when a higher timeframe is asked), else
 * the database's. Unknown symbols are a 404.
 */
async function loadCandles(ctx: ApiContext, symbolText: string, timeframe: string | undefined, field: string): Promise<CandleSource> {
  const session = ctx.session;
  if (session) {
    let symbol: string | undefined;
    try {
      symbol = resolveSymbol(session, symbolText, field);
    } catch (error) {
      if (!ctx.storage) throw error;
    }
    if (symbol !== undefined) {
      const base = session.candles(symbol)!.last();
      if (timeframe === undefined || timeframe === session.timeframe) return { table: base, source: 'session' };
      checkTimeframe(timeframe);
      return { table: resampleBars(base, timeframe), source: 'session' };
    }
  }
  if (!ctx.storage) throw new HttpError(404, 'unknown_symbol', `unknown symbol "${symbolText}"`, field);
  const tf = timeframe ?? session?.timeframe;
  if (tf === undefined) throw badRequest('give a timeframe', 'timeframe');
  checkTimeframe(tf);
  const stored = await ctx.storage.candles.list();
  const series = stored.find((x) => x.symbol === symbolText && x.timeframe === tf);
  if (!series) {
    const known = stored.map((x) => `${x.symbol} ${x.timeframe}`);
    throw new HttpError(404, 'unknown_symbol', `unknown symbol "${symbolText}" (${tf})${session ? `; the session trades ${session.symbols.join(', ')}` : ''}; stored candles: ${known.join(', ') || 'none'}`, field);
  }
  const table = await ctx.storage.candles.read({ symbol: symbolText, timeframe: tf, venue: series.venue });
  return { table, source: 'storage' };
}

function checkTimeframe(tf: string): void {
  try {
    timeframeMs(tf);
  } catch {
    throw badRequest(`"${tf}" is not a timeframe`, 'timeframe');
  }
}

/** Index range of the last `limit` candles opening before `before`. */
function window(table: BarTable, limit: number, before: number | undefined): [number, number] {
  let end = table.length;
  if (before !== undefined) while (end > 0 && table.time[end - 1]! >= before) end--;
  return [Math.max(0, end - limit), end];
}

function candleRows(table: BarTable, start: number, end: number) {
  const out = new Array<{ time: number; open: number; high: number; low: number; close: number; volume: number }>(end - start);
  for (let i = start; i < end; i++) {
    out[i - start] = { time: table.time[i]!, open: table.open[i]!, high: table.high[i]!, low: table.low[i]!, close: table.close[i]!, volume: table.volume[i]! };
  }
  return out;
}

function nullable(values: Float64Array, start: number, end: number): Array<number | null> {
  const out = new Array<number | null>(end - start);
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    out[i - start] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** `rsi(period=14),ema(period=50),macd` → [{key, name, params}]. */
export function parseIndicatorList(text: string): Array<{ key: string; name: string; params: Record<string, string> }> {
  const out: Array<{ key: string; name: string; params: Record<string, string> }> = [];
  const re = /\s*([A-Za-z_][\w]*)\s*(?:\(([^)]*)\))?\s*(?:,|$)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[0] === '') throw badRequest(`cannot read "${text.slice(pos, pos + 40)}"; write name or name(key=value,…), comma-separated`, 'indicators');
    pos = re.lastIndex;
    const params: Record<string, string> = {};
    for (const part of (m[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw badRequest(`"${part}" in ${m[1]}(…) is not key=value`, 'indicators');
      params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    out.push({ key: m[0].trim().replace(/,$/, '').trim(), name: m[1]!.toLowerCase(), params });
  }
  if (out.length > 20) throw badRequest('at most 20 indicators per request', 'indicators');
  return out;
}

export function registerMarketRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['market data'];

  addRoute(app, {
    method: 'GET', url: '/api/v1/symbols', scope: 'read', tags, summary: 'The session\'s instruments', response: { 200: symbolsResponse },
    handler: async () => {
      const session = requireSession(ctx);
      return Promise.resolve({
        symbols: session.symbols.map((symbol) => {
          const i = session.kernel.market.instrument(symbol);
          const c = session.candles(symbol)!;
          const last = session.kernel.market.lastPrice(symbol);
          return {
            symbol, timeframe: session.timeframe, venue: i.venue, base: i.base, quote: i.quote,
            first: c.length > 0 ? c.time[0]! : null, last: c.length > 0 ? c.time[c.length - 1]! : null, count: c.length,
            last_price: Number.isFinite(last) ? last : null,
          };
        }),
      });
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/candles', scope: 'read', tags,
    summary: 'Candles of a symbol, oldest first',
    description: 'The session\'s candles delivered so far (point-in-time: a replay shows only what has been replayed), resampled for a higher timeframe; otherwise candles stored in the database.',
    querystring: candlesQuery, response: { 200: candlesResponse },
    handler: async ({ query }) => {
      const { table, source } = await loadCandles(ctx, query.symbol, query.timeframe, 'symbol');
      const [start, end] = window(table, query.limit, query.before);
      return { symbol: table.symbol, timeframe: table.timeframe, source, candles: candleRows(table, start, end) };
    },
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/indicators', scope: 'read', tags, summary: 'Every indicator with its parameters', response: { 200: indicatorsResponse },
    handler: async () => Promise.resolve({
      indicators: listIndicators().map((d) => ({
        name: d.name, title: d.title, group: d.group, description: d.description, input: d.input, lines: [...d.lines],
        params: d.params.map((p) => ({
          name: p.name, type: p.type, default: p.default ?? null, description: p.description || null, min: p.min ?? null, max: p.max ?? null,
          choices: p.values ? [...p.values] : null,
        })),
      })),
    }),
  });

  addRoute(app, {
    method: 'GET', url: '/api/v1/ai/chart/ohlcv', scope: 'read', tags: ['TradingView and research (MISSION §5)'],
    summary: 'OHLCV with indicators for a chart',
    description: 'Indicators are computed over the whole available history (so warm-up is complete) and returned aligned with the candles; values during warm-up are null. `indicators=rsi(period=14),bbands(period=20,stdDev=2),macd`.',
    querystring: chartQuery, response: { 200: chartResponse },
    handler: async ({ query }) => {
      const specs = query.indicators ? parseIndicatorList(query.indicators) : [];
      const { table, source } = await loadCandles(ctx, query.ticker, query.timeframe, 'ticker');
      const [start, end] = window(table, query.limit, query.before);
      const history = end === table.length ? table : table.slice(0, end);
      const indicators: Record<string, { name: string; params: Record<string, unknown>; warmup: number; lines: Record<string, Array<number | null>> }> = {};
      for (const spec of specs) {
        let result;
        try {
          result = computeIndicator(spec.name, history, spec.params);
        } catch (error) {
          if (error instanceof ConfigurationError) throw badRequest(`indicators: ${error.message}`, 'indicators');
          throw error;
        }
        const lines: Record<string, Array<number | null>> = {};
        for (const [line, values] of Object.entries(result.lines)) lines[line] = nullable(values, start, end);
        indicators[spec.key] = { name: result.name, params: { ...result.params }, warmup: result.warmup, lines };
      }
      return { ticker: table.symbol, timeframe: table.timeframe, source, candles: candleRows(table, start, end), indicators };
    },
  });

  addRoute(app, {
    method: 'POST', url: '/api/v1/ai/features/generate', scope: 'read', tags: ['TradingView and research (MISSION §5)'],
    summary: 'Feature vectors of a built-in feature set (the last `limit` rows)',
    description: `Point-in-time features (docs/features.md) over the available candles. Feature sets: ${BUILT_IN_SETS.join(', ')}.`,
    body: featuresRequest, response: { 200: featuresResponse },
    handler: async ({ body }) => {
      if (!(BUILT_IN_SETS as readonly string[]).includes(body.feature_set)) throw badRequest(`unknown feature set "${body.feature_set}"; built-in: ${BUILT_IN_SETS.join(', ')}`, 'feature_set');
      const { table } = await loadCandles(ctx, body.ticker, body.timeframe, 'ticker');
      if (table.length === 0) throw new HttpError(409, 'conflict', `no ${table.symbol} candles yet`);
      const frame = generateFeatures(table, builtInFeatureSet(body.feature_set as BuiltInSet, table.timeframe));
      const start = Math.max(0, table.length - body.limit);
      const features: Record<string, Array<number | null>> = {};
      frame.names.forEach((name, k) => {
        features[name] = nullable(frame.columns[k]!, start, table.length);
      });
      return {
        ticker: table.symbol, timeframe: table.timeframe, feature_set: body.feature_set, count: table.length - start, names: [...frame.names],
        time: Array.from(frame.time.subarray(start)), features,
      };
    },
  });
}
