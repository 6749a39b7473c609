/**
 * Turns the shared run options into a validated run: numbers checked (errors name the option),
 * data loaded (errors name file, row and field), strategy loaded and its parameters checked
 * (errors name the key).
 */
import { existsSync } from 'node:fs';
import { ConfigurationError } from '../core/errors.js';
import type { BarTable } from '../model/bar.js';
import { bundledDataSets, loadBars, loadFundingRates, parseDataFileName, type LoadedBars } from '../data/index.js';
import type { FundingSeries, SimulatedExchangeOptions } from '../sim/simulated-exchange.js';
import { parseSlippage, type SlippageModel } from '../sim/slippage.js';
import type { AccountType } from '../model/account.js';
import type { StrategyDefinition } from '../strategy/define.js';
import { loadStrategy, strategyParams } from '../strategy/loader.js';
import { isDatabaseDataSpec, readDatabaseData } from './database-data.js';
import { optionalNumber, parseDate, parseNumber, resolveDataFile } from './options.js';
import type { RunOptionValues } from './run-options.js';

/** Everything needed to run, resolved and validated. */
export interface ResolvedRun {
  readonly tables: readonly BarTable[];
  readonly loads: readonly LoadedBars[];
  /** What the loader changed or found (dropped rows, gaps…), one line each. */
  readonly dataNotes: readonly string[];
  readonly strategy: StrategyDefinition;
  readonly strategyFile: string;
  readonly params: Record<string, unknown>;
  readonly cash: number;
  readonly account: { readonly type?: AccountType; readonly leverage?: number };
  readonly sim: Partial<Omit<SimulatedExchangeOptions, 'fundingRates'>>;
  readonly fundingRates: Readonly<Record<string, FundingSeries>>;
  readonly maxOpenTrades?: number;
}

/** Loads data and strategy and checks every option; errors name the option, file, row or key. */
export async function resolveRun(o: RunOptionValues): Promise<ResolvedRun> {
  // Cheap checks first, so that a typo does not wait for a large file to load.
  const cash = o.cash === undefined ? 10_000 : parseNumber('--cash', o.cash, { above: 0 });
  const fee = o.fee === undefined ? 0.001 : parseNumber('--fee', o.fee, { min: 0, max: 0.5 });
  if (o.slippage !== undefined && o.slippageBps !== undefined) throw new ConfigurationError('give either --slippage or --slippage-bps, not both', '--slippage');
  let slippage: SlippageModel = { kind: 'none' };
  if (o.slippageBps !== undefined) {
    const bps = parseNumber('--slippage-bps', o.slippageBps, { min: 0, max: 10_000 });
    slippage = bps === 0 ? { kind: 'none' } : { kind: 'fixed-bps', bps };
  } else if (o.slippage !== undefined) {
    const parsed = parseSlippage(o.slippage);
    if (!parsed) throw new ConfigurationError(`unknown slippage model "${o.slippage}"; use none, 5bps, volume-share[:0.1] or sqrt[:1]`, '--slippage');
    if (parsed.kind === 'fixed-bps' && parsed.bps > 10_000) throw new ConfigurationError(`${parsed.bps} bps is more than the whole price`, '--slippage');
    slippage = parsed;
  }
  const leverage = optionalNumber('--leverage', o.leverage, { min: 1, max: 1000 });
  if (leverage !== undefined && leverage > 1 && o.account === 'cash') throw new ConfigurationError('a cash account has no leverage; use --account margin', '--leverage');
  const latencyMs = optionalNumber('--latency-ms', o.latencyMs, { min: 0, max: 86_400_000 });
  const maxVolumeShare = optionalNumber('--max-volume-share', o.maxVolumeShare, { above: 0, max: 1 });
  const maxOpenTrades = optionalNumber('--max-open-trades', o.maxOpenTrades, { min: 1, integer: true });
  const from = o.from === undefined ? undefined : parseDate('--from', o.from);
  const to = o.to === undefined ? undefined : parseDate('--to', o.to);
  if (from !== undefined && to !== undefined && !(from < to)) throw new ConfigurationError(`--from ${o.from} is not before --to ${o.to}`, '--to');
  const files = o.data;
  if (files.length === 0) throw new ConfigurationError('give at least one data file', '--data');
  if (files.length > 1 && o.symbol !== undefined) throw new ConfigurationError('--symbol applies to a single --data file; with several, each symbol comes from its file name', '--symbol');
  if (files.length > 1 && o.timeframe !== undefined) throw new ConfigurationError('--timeframe applies to a single --data file', '--timeframe');

  const { definition, file: strategyFile } = await loadStrategy(o.strategy);
  const params = strategyParams(definition, o.param ?? []);

  const loads: LoadedBars[] = [];
  const tables: BarTable[] = [];
  for (const spec of files) {
    if (isDatabaseDataSpec(spec)) {
      tables.push(await readDatabaseData(spec, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }));
      continue;
    }
    const loaded = await loadBars(resolveDataFile(spec), {
      ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
      ...(o.timeframe !== undefined ? { timeframe: o.timeframe } : {}),
      ...(o.repair !== undefined ? { repair: o.repair } : {}),
    });
    loads.push(loaded);
    tables.push(sliceByTime(loaded.table, from, to, o));
  }
  const dataNotes = loads.flatMap(describeRepairs);

  const fundingRates: Record<string, FundingSeries> = {};
  for (const spec of o.funding ?? []) {
    const { symbol, file } = splitFundingSpec(spec, tables);
    if (fundingRates[symbol]) throw new ConfigurationError(`two funding series for ${symbol}`, '--funding');
    const series = await loadFundingRates(resolveDataFile(file));
    fundingRates[symbol] = { time: series.time, rate: series.rate };
  }

  return {
    tables, loads, dataNotes, strategy: definition, strategyFile, params, cash,
    account: { ...(o.account !== undefined ? { type: o.account } : {}), ...(leverage !== undefined ? { leverage } : {}) },
    sim: {
      fees: { maker: fee, taker: fee },
      slippage,
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(o.path !== undefined ? { path: o.path } : {}),
      ...(maxVolumeShare !== undefined ? { maxVolumeShare } : {}),
    },
    fundingRates,
    ...(maxOpenTrades !== undefined ? { maxOpenTrades } : {}),
  };
}

function sliceByTime(table: BarTable, from: number | undefined, to: number | undefined, o: RunOptionValues): BarTable {
  if (from === undefined && to === undefined) return table;
  let start = 0;
  let end = table.length;
  if (from !== undefined) while (start < end && table.time[start]! < from) start++;
  if (to !== undefined) while (end > start && table.time[end - 1]! >= to) end--;
  if (end <= start) {
    const range = table.length > 0 ? `${new Date(table.time[0]!).toISOString()} to ${new Date(table.time[table.length - 1]!).toISOString()}` : 'nothing';
    throw new ConfigurationError(`no ${table.symbol} bars between ${o.from ?? 'the start'} and ${o.to ?? 'the end'}; the data covers ${range}`, o.from !== undefined ? '--from' : '--to');
  }
  return table.slice(start, end);
}

/**
 * `SYMBOL=file` or `file` (a path, or a bundled name). Without a symbol: the one in the file name
 * when it matches a series, else the only series.
 */
function splitFundingSpec(spec: string, tables: readonly BarTable[]): { symbol: string; file: string } {
  const symbols = tables.map((t) => t.symbol);
  const eq = spec.indexOf('=');
  if (eq > 0 && !existsSync(spec) && !bundledDataSets.some((d) => d.file === spec)) {
    const symbol = spec.slice(0, eq);
    if (!symbols.includes(symbol)) throw new ConfigurationError(`no data series for ${symbol} (series: ${symbols.join(', ')})`, '--funding');
    return { symbol, file: spec.slice(eq + 1) };
  }
  const named = parseDataFileName(spec);
  if (named.parsed && symbols.includes(named.symbol)) return { symbol: named.symbol, file: spec };
  if (symbols.length === 1) return { symbol: symbols[0]!, file: spec };
  throw new ConfigurationError(`cannot tell which series ${spec} is for; write SYMBOL=${spec} (series: ${symbols.join(', ')})`, '--funding');
}

/** One line per change the loader made or gap it found, for the summary and the report's warnings. */
export function describeRepairs(loaded: LoadedBars): string[] {
  const { report } = loaded;
  const name = loaded.source.split(/[\\/]/).pop() ?? loaded.source;
  const lines: string[] = [];
  if (report.dropped.length > 0) {
    const first = report.dropped[0]!;
    lines.push(`${name}: dropped ${report.dropped.length} bad row${report.dropped.length === 1 ? '' : 's'} (first: row ${first.row}${first.field ? `, field "${first.field}"` : ''}: ${first.reason})`);
  }
  if (report.reordered > 0) lines.push(`${name}: sorted ${report.reordered} out-of-order row${report.reordered === 1 ? '' : 's'} into time order`);
  if (report.filled > 0) lines.push(`${name}: filled ${report.filled} missing bar${report.filled === 1 ? '' : 's'} with flat bars (--repair ffill)`);
  else if (report.missingBars > 0) {
    const gaps = report.gaps.filter((g) => g.kind === 'gap').length;
    lines.push(`${name}: ${report.missingBars} missing bar${report.missingBars === 1 ? '' : 's'} in ${gaps} gap${gaps === 1 ? '' : 's'} (not filled; --repair ffill fills them)`);
  }
  return lines;
}
