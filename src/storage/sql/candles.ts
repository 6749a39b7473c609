/** Candle store over `candle_series` + `candle_chunks` (see candle-chunks.ts for the layout). */
import { ConfigurationError, DataError } from '../../core/errors.js';
import { timeframeMs } from '../../core/time.js';
import { BarTable, type OhlcvColumns } from '../../model/bar.js';
import type { Backend, Db, Trx } from '../backend.js';
import {
  allocateColumns, chunkSpanMs, chunkStartOf, countGaps, groupByChunk, lowerBound, mergeChunk, prepareCandles, sliceColumns,
} from '../candle-chunks.js';
import { candleChunkLength, candleChunkTimes, decodeCandleChunk, decodeCandleChunkInto, encodeCandleChunk, type CandleColumns } from '../codec.js';
import type {
  CandleQuery, CandleSeriesKey, CandleSeriesSummary, CandleStore, CandleUpsertOptions, UpsertCounts,
} from '../port.js';

/** Chunks read and written per transaction during an upsert (64 chunks ≈ 65,000 candles, 3 MiB). */
const CHUNK_BATCH = 64;

function checkKey(key: CandleSeriesKey): void {
  if (!key.venue) throw new ConfigurationError('venue is required', 'venue');
  if (!key.symbol) throw new ConfigurationError('symbol is required', 'symbol');
  timeframeMs(key.timeframe);
}

function label(key: { venue?: string; symbol: string; timeframe: string }): string {
  return `${key.venue ? `${key.venue} ` : ''}${key.symbol} ${key.timeframe}`;
}

interface ChunkRow {
  chunk_start: number;
  rows: number;
  first_time: number;
  last_time: number;
  data: Uint8Array;
}

export class SqlCandleStore implements CandleStore {
  constructor(private readonly backend: Backend) {}

  private get db(): Db {
    return this.backend.db;
  }

  private async ensureSeries(trx: Trx, key: CandleSeriesKey): Promise<number> {
    await trx.insertInto('candle_series').values({ venue: key.venue, symbol: key.symbol, timeframe: key.timeframe })
      .onConflict((oc) => oc.columns(['venue', 'symbol', 'timeframe']).doNothing()).execute();
    const row = await trx.selectFrom('candle_series').select('id')
      .where('venue', '=', key.venue).where('symbol', '=', key.symbol).where('timeframe', '=', key.timeframe)
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async upsert(key: CandleSeriesKey, bars: OhlcvColumns, options: CandleUpsertOptions = {}): Promise<UpsertCounts> {
    checkKey(key);
    const step = timeframeMs(key.timeframe);
    const span = chunkSpanMs(key.timeframe);
    const input = prepareCandles(bars, label(key));
    const total = input.time.length;
    if (total === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const groups = groupByChunk(input.time, span);
    const seriesId = await this.backend.write((trx) => this.ensureSeries(trx, key));
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    let done = 0;
    // One transaction per batch of chunks: a big import never holds the write lock for long, so a
    // trading loop appending to the journal meanwhile waits milliseconds, not the whole import.
    for (let g = 0; g < groups.length; g += CHUNK_BATCH) {
      const batch = groups.slice(g, g + CHUNK_BATCH);
      const counts = await this.backend.write(async (trx) => {
        await this.backend.lock(trx, [`candles:${seriesId}`]);
        const stored = await trx.selectFrom('candle_chunks').select(['chunk_start', 'data'])
          .where('series_id', '=', seriesId)
          .where('chunk_start', '>=', batch[0]!.start)
          .where('chunk_start', '<=', batch[batch.length - 1]!.start)
          .execute();
        const existing = new Map(stored.map((r) => [Number(r.chunk_start), r.data]));
        const result = { inserted: 0, updated: 0, unchanged: 0 };
        const writes = [];
        for (const group of batch) {
          const previous = existing.get(group.start);
          const merge = mergeChunk(previous ? decodeCandleChunk(previous) : undefined, sliceColumns(input, group.from, group.to));
          result.inserted += merge.inserted;
          result.updated += merge.updated;
          result.unchanged += merge.unchanged;
          if (merge.inserted + merge.updated === 0) continue;
          const merged = merge.merged;
          const n = merged.time.length;
          writes.push({
            series_id: seriesId, chunk_start: group.start, rows: n, first_time: merged.time[0]!, last_time: merged.time[n - 1]!,
            gaps: countGaps(merged.time, step), data: encodeCandleChunk(merged),
          });
        }
        if (writes.length > 0) {
          await trx.insertInto('candle_chunks').values(writes)
            .onConflict((oc) => oc.columns(['series_id', 'chunk_start']).doUpdateSet((eb) => ({
              rows: eb.ref('excluded.rows'), first_time: eb.ref('excluded.first_time'), last_time: eb.ref('excluded.last_time'),
              gaps: eb.ref('excluded.gaps'), data: eb.ref('excluded.data'),
            })))
            .execute();
        }
        return result;
      });
      inserted += counts.inserted;
      updated += counts.updated;
      unchanged += counts.unchanged;
      done += batch[batch.length - 1]!.to - batch[0]!.from;
      options.onProgress?.(done, total);
    }
    return { inserted, updated, unchanged };
  }

  /** The series id and venue a query refers to; a missing venue must be unambiguous. */
  private async resolve(query: CandleQuery): Promise<{ id: number; venue: string }> {
    timeframeMs(query.timeframe);
    let q = this.db.selectFrom('candle_series').select(['id', 'venue'])
      .where('symbol', '=', query.symbol).where('timeframe', '=', query.timeframe);
    if (query.venue) q = q.where('venue', '=', query.venue);
    const rows = await q.execute();
    if (rows.length === 0) {
      throw new DataError(`no candles stored for ${label(query)}; import some with: arbiter data import <file> --symbol ${query.symbol} --timeframe ${query.timeframe}`, { source: 'storage' });
    }
    if (rows.length > 1) {
      throw new ConfigurationError(`${query.symbol} ${query.timeframe} is stored for several venues (${rows.map((r) => r.venue).sort().join(', ')}); name one`, 'venue');
    }
    return { id: Number(rows[0]!.id), venue: rows[0]!.venue };
  }

  async read(query: CandleQuery): Promise<BarTable> {
    const { id } = await this.resolve(query);
    const span = chunkSpanMs(query.timeframe);
    const from = query.from ?? Number.NEGATIVE_INFINITY;
    const to = query.to ?? Number.POSITIVE_INFINITY;
    let q = this.db.selectFrom('candle_chunks').select(['chunk_start', 'rows', 'first_time', 'last_time', 'data'])
      .where('series_id', '=', id);
    if (query.from !== undefined) q = q.where('chunk_start', '>=', chunkStartOf(query.from, span));
    if (query.to !== undefined) q = q.where('chunk_start', '<', query.to);
    const chunks = (await q.orderBy('chunk_start').execute()) as ChunkRow[];
    // Work out each chunk's slice first so that the output is allocated once.
    const slices: Array<[ChunkRow, number, number]> = [];
    let total = 0;
    for (const chunk of chunks) {
      const n = candleChunkLength(chunk.data);
      let start = 0;
      let end = n;
      if (Number(chunk.first_time) < from || Number(chunk.last_time) >= to) {
        const times = candleChunkTimes(chunk.data);
        start = lowerBound(times, from);
        end = lowerBound(times, to);
      }
      if (end > start) {
        slices.push([chunk, start, end]);
        total += end - start;
      }
    }
    const out: CandleColumns = allocateColumns(total);
    let offset = 0;
    for (const [chunk, start, end] of slices) {
      decodeCandleChunkInto(chunk.data, out, offset, start, end);
      offset += end - start;
    }
    return new BarTable(query.symbol, query.timeframe, out.time, out.open, out.high, out.low, out.close, out.volume);
  }

  async list(): Promise<CandleSeriesSummary[]> {
    const rows = await this.db.selectFrom('candle_series as s')
      .innerJoin('candle_chunks as c', 'c.series_id', 's.id')
      .select(['s.id', 's.venue', 's.symbol', 's.timeframe', 'c.rows', 'c.first_time', 'c.last_time', 'c.gaps'])
      .orderBy('s.venue').orderBy('s.symbol').orderBy('s.timeframe').orderBy('c.chunk_start')
      .execute();
    const out: CandleSeriesSummary[] = [];
    let current: { -readonly [K in keyof CandleSeriesSummary]: CandleSeriesSummary[K] } | undefined;
    let currentId = -1;
    let step = 0;
    for (const r of rows) {
      const id = Number(r.id);
      if (id !== currentId) {
        currentId = id;
        step = timeframeMs(r.timeframe);
        current = { venue: r.venue, symbol: r.symbol, timeframe: r.timeframe, first: Number(r.first_time), last: Number(r.last_time), count: 0, gaps: 0 };
        out.push(current);
      } else if (Number(r.first_time) - current!.last > step) {
        current!.gaps++;
      }
      current!.count += Number(r.rows);
      current!.gaps += Number(r.gaps);
      current!.last = Number(r.last_time);
    }
    return out;
  }

  async delete(key: CandleSeriesKey, range: { from?: number; to?: number } = {}): Promise<number> {
    checkKey(key);
    const step = timeframeMs(key.timeframe);
    const span = chunkSpanMs(key.timeframe);
    const from = range.from ?? Number.NEGATIVE_INFINITY;
    const to = range.to ?? Number.POSITIVE_INFINITY;
    return this.backend.write(async (trx) => {
      const series = await trx.selectFrom('candle_series').select('id')
        .where('venue', '=', key.venue).where('symbol', '=', key.symbol).where('timeframe', '=', key.timeframe).executeTakeFirst();
      if (!series) return 0;
      const seriesId = Number(series.id);
      await this.backend.lock(trx, [`candles:${seriesId}`]);
      let q = trx.selectFrom('candle_chunks').select(['chunk_start', 'rows', 'first_time', 'last_time', 'data']).where('series_id', '=', seriesId);
      if (range.from !== undefined) q = q.where('chunk_start', '>=', chunkStartOf(range.from, span));
      if (range.to !== undefined) q = q.where('chunk_start', '<', range.to);
      const chunks = (await q.execute()) as ChunkRow[];
      let deleted = 0;
      for (const chunk of chunks) {
        const start = Number(chunk.chunk_start);
        if (Number(chunk.first_time) >= from && Number(chunk.last_time) < to) {
          deleted += Number(chunk.rows);
          await trx.deleteFrom('candle_chunks').where('series_id', '=', seriesId).where('chunk_start', '=', start).execute();
          continue;
        }
        const cols = decodeCandleChunk(chunk.data);
        const a = lowerBound(cols.time, from);
        const b = lowerBound(cols.time, to);
        if (b <= a) continue;
        deleted += b - a;
        const n = cols.time.length - (b - a);
        const kept = allocateColumns(n);
        for (const name of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
          kept[name].set(cols[name].subarray(0, a), 0);
          kept[name].set(cols[name].subarray(b), a);
        }
        await trx.updateTable('candle_chunks')
          .set({ rows: n, first_time: kept.time[0]!, last_time: kept.time[n - 1]!, gaps: countGaps(kept.time, step), data: encodeCandleChunk(kept) })
          .where('series_id', '=', seriesId).where('chunk_start', '=', start).execute();
      }
      const left = await trx.selectFrom('candle_chunks').select('series_id').where('series_id', '=', seriesId).limit(1).executeTakeFirst();
      if (!left) await trx.deleteFrom('candle_series').where('id', '=', seriesId).execute();
      return deleted;
    });
  }
}
