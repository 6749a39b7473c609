/**
 * `arbiter indicator`: one indicator over a bar file, or the list of indicators.
 *
 *   arbiter indicator <name> --data <file> [--param key=value ...] [--json]
 *   arbiter indicator --list [--json]
 *
 * `--json` prints `{name, params, time, values: {<line>: [...]}}`: `params` with defaults filled
 * in (TA-Lib names), `time` as bar open times in UTC epoch ms, `null` where a line has no value
 * (warm-up). The indicator library is imported when the command runs, so `arbiter --help` stays quick.
 */
import type { Command } from 'commander';
import { ConfigurationError } from '../../core/errors.js';
import { collect } from '../options.js';

interface IndicatorOptions {
  data?: string;
  param?: string[];
  json?: boolean;
  list?: boolean;
  symbol?: string;
  timeframe?: string;
  tail: string;
}

/** `key=value` pairs from repeated `--param` options; a malformed or repeated key is an error naming it. */
export function parseParamPairs(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigurationError(`expected key=value, got "${pair}"`, '--param');
    const key = pair.slice(0, eq).trim();
    if (key in out) throw new ConfigurationError(`"${key}" is given twice`, '--param');
    out[key] = pair.slice(eq + 1).trim();
  }
  return out;
}

function nullable(values: Float64Array): (number | null)[] {
  return Array.from(values, (v) => (v - v === 0 ? v : null));
}

async function runList(options: IndicatorOptions): Promise<void> {
  const { listIndicators } = await import('../../indicators/index.js');
  const list = listIndicators();
  if (options.json) {
    const out = list.map((d) => ({ name: d.name, title: d.title, group: d.group, description: d.description, input: d.input, params: d.params, lines: d.lines }));
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['name', 'group', 'parameters (defaults)', 'lines'], style: { head: [], border: [] }, wordWrap: true, colWidths: [22, 16, 60, 34] });
  for (const d of list) {
    const params = d.params.map((p) => (p.default === undefined ? p.name : `${p.name}=${String(p.default)}`)).join(' ');
    table.push([d.name, d.group, params || '—', d.lines.join(', ')]);
  }
  process.stdout.write(`${table.toString()}\n${list.length} indicators; details: arbiter indicator --list --json\n`);
}

async function runIndicator(name: string, options: IndicatorOptions): Promise<void> {
  if (!options.data) throw new ConfigurationError('required: the bar file to compute the indicator over', '--data');
  const { computeIndicator, getIndicator } = await import('../../indicators/index.js');
  getIndicator(name); // unknown names fail before the data is read
  const params = parseParamPairs(options.param);
  const { loadBars } = await import('../../data/load.js');
  const { resolveDataFile } = await import('../options.js');
  const { table } = await loadBars(resolveDataFile(options.data), {
    ...(options.symbol !== undefined && { symbol: options.symbol }),
    ...(options.timeframe !== undefined && { timeframe: options.timeframe }),
  });
  const result = computeIndicator(name, table, params);
  if (options.json) {
    const values: Record<string, (number | null)[]> = {};
    for (const [line, column] of Object.entries(result.lines)) values[line] = nullable(column);
    process.stdout.write(`${JSON.stringify({ name: result.name, params: result.params, time: Array.from(table.time), values })}\n`);
    return;
  }
  const { parseNumber } = await import('../options.js');
  const tail = parseNumber('--tail', options.tail, { integer: true, min: 1 });
  const { default: Table } = await import('cli-table3');
  const lines = Object.keys(result.lines);
  const shown = new Table({ head: ['time (UTC)', ...lines], style: { head: [], border: [] } });
  for (let i = Math.max(0, table.length - tail); i < table.length; i++) {
    shown.push([new Date(table.time[i]!).toISOString().replace('.000Z', 'Z'), ...lines.map((l) => {
      const v = result.lines[l]![i]!;
      return Number.isFinite(v) ? String(Number(v.toPrecision(10))) : '—';
    })]);
  }
  const paramText = Object.entries(result.params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  process.stdout.write(`${name}${paramText ? ` (${paramText})` : ''} on ${table.symbol} ${table.timeframe}, ${table.length} bars, warm-up ${result.warmup}; last ${Math.min(tail, table.length)} rows:\n${shown.toString()}\n`);
}

export function registerIndicator(program: Command): void {
  program
    .command('indicator')
    .argument('[name]', 'indicator name (see --list)')
    .description('compute one indicator over a bar file, or list the indicators')
    .option('-d, --data <file>', 'bar file (CSV, Binance CSV, Freqtrade JSON, feather) or the name of a bundled data set')
    .option('-p, --param <key=value>', 'indicator parameter by its TA-Lib name, e.g. period=14 (repeatable)', collect)
    .option('--json', 'print {name, params, time, values} as JSON (null during warm-up)')
    .option('--list', 'list the indicators with their groups, parameters (defaults) and lines')
    .option('--symbol <symbol>', 'symbol of the series (default: from the file name)')
    .option('--timeframe <tf>', 'timeframe of the series, e.g. 1m, 1h (default: detected)')
    .option('--tail <n>', 'rows shown without --json', '10')
    .addHelpText('after', `
Examples:
  arbiter indicator --list
  arbiter indicator rsi --data BTC_USDT-1h.csv --param period=14 --json
  arbiter indicator macd --data GOOG-1d.csv --param fastPeriod=12 --param slowPeriod=26 --param signalPeriod=9`)
    .action(async (name: string | undefined, options: IndicatorOptions) => {
      if (options.list) {
        if (name !== undefined) throw new ConfigurationError('give either an indicator name or --list, not both', '--list');
        await runList(options);
        return;
      }
      if (name === undefined) throw new ConfigurationError('required: an indicator name (arbiter indicator --list shows them)', 'indicator');
      await runIndicator(name, options);
    });
}
