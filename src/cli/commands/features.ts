/**
 * `arbiter features`: a feature set over a bar file, written as CSV or JSON.
 *
 *   arbiter features --data <file> [--set default|full|<set.json|set.yaml>] [--out features.csv|features.json]
 *   arbiter features --list [--set …] [--timeframe 5m]
 *
 * It calls `generateFeatures`, the function the API's `features/generate` endpoint calls. Long runs
 * show a progress bar on stderr (when stderr is a terminal, or with --progress). The feature code
 * is imported when the command runs, so that `arbiter --help` stays quick.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, extname } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigurationError } from '../../core/errors.js';
import type { FeatureSet } from '../../features/index.js';

/** Runs with more feature values than this (rows × features) show a progress bar on a terminal. */
const PROGRESS_THRESHOLD = 5_000_000;

interface FeaturesOptions {
  data?: string;
  set: string;
  out?: string;
  time: 'iso' | 'ms';
  progress?: boolean;
  list?: boolean;
  json?: boolean;
  symbol?: string;
  timeframe?: string;
}

async function resolveSet(spec: string, timeframe: string): Promise<FeatureSet> {
  const { BUILT_IN_SETS, builtInFeatureSet, loadFeatureSet } = await import('../../features/index.js');
  const builtIn = BUILT_IN_SETS.find((name) => name === spec);
  if (builtIn !== undefined) return builtInFeatureSet(builtIn, timeframe);
  if (!existsSync(spec)) throw new ConfigurationError(`"${spec}" is neither a built-in set (${BUILT_IN_SETS.join(', ')}) nor an existing .json/.yaml file`, '--set');
  return loadFeatureSet(spec, { builtIn: (name) => builtInFeatureSet(name, timeframe) });
}

async function runList(options: FeaturesOptions): Promise<void> {
  const timeframe = options.timeframe ?? '5m';
  const set = await resolveSet(options.set, timeframe);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ set: set.name, timeframe, features: set.features })}\n`);
    return;
  }
  const lines = Object.entries(set.features).map(([name, def]) => `${name.padEnd(32)} ${JSON.stringify(def)}`);
  process.stdout.write(`${set.name} (${lines.length} features, for ${timeframe} bars):\n${lines.join('\n')}\n`);
}

async function writeChunks(file: string | undefined, chunks: Iterable<string>): Promise<void> {
  const out = file === undefined ? process.stdout : createWriteStream(file);
  try {
    for (const chunk of chunks) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
  }
}

async function runFeatures(options: FeaturesOptions): Promise<void> {
  if (!options.data) throw new ConfigurationError('required: the bar file to compute features over', '--data');
  let format: 'csv' | 'json' = 'csv';
  if (options.out !== undefined) {
    const ext = extname(options.out).toLowerCase();
    if (ext !== '.csv' && ext !== '.json') throw new ConfigurationError(`the output file must end in .csv or .json, got "${options.out}"`, '--out');
    format = ext === '.json' ? 'json' : 'csv';
    const folder = dirname(options.out);
    if (!existsSync(folder)) throw new ConfigurationError(`cannot write ${options.out}: the folder ${folder} does not exist`, '--out');
  }
  const { loadBars } = await import('../../data/load.js');
  const { resolveDataFile } = await import('../options.js');
  const { table } = await loadBars(resolveDataFile(options.data), {
    ...(options.symbol !== undefined && { symbol: options.symbol }),
    ...(options.timeframe !== undefined && { timeframe: options.timeframe }),
  });
  const set = await resolveSet(options.set, table.timeframe);
  const { generateFeatures, featureFrameCsvChunks, featureFrameJsonChunks } = await import('../../features/index.js');
  const count = Object.keys(set.features).length;
  const showProgress = options.progress === true || (process.stderr.isTTY && table.length * count > PROGRESS_THRESHOLD);
  const { SingleBar } = await import('cli-progress');
  const bar = showProgress
    ? new SingleBar({ format: 'features [{bar}] {percentage}% | {value}/{total} | {feature}', hideCursor: true, clearOnComplete: true, stream: process.stderr, noTTYOutput: true })
    : undefined;
  bar?.start(count, 0, { feature: '' });
  let frame;
  try {
    frame = generateFeatures(table, set, { onProgress: (done, _total, name) => bar?.update(done, { feature: name }) });
  } finally {
    bar?.stop();
  }
  const chunks = format === 'json' ? featureFrameJsonChunks(frame) : featureFrameCsvChunks(frame, { time: options.time });
  await writeChunks(options.out, chunks);
  if (options.out !== undefined) {
    process.stderr.write(`${set.name}: ${count} features × ${table.length} ${table.timeframe} bars of ${table.symbol} written to ${options.out}\n`);
  }
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('compute a feature set over a bar file and write it as CSV or JSON')
    .option('-d, --data <file>', 'bar file (CSV, Binance CSV, Freqtrade JSON, feather) or the name of a bundled data set')
    .option('--set <name|file>', 'feature set: default, full, or a .json/.yaml file (see docs/features.md)', 'default')
    .option('-o, --out <file>', 'output file, .csv or .json (default: CSV on stdout)')
    .addOption(new Option('--time <format>', 'CSV time column: iso (UTC) or ms (epoch milliseconds)').choices(['iso', 'ms']).default('iso'))
    .option('--progress', 'always show the progress bar on stderr')
    .option('--list', 'list the features of the set (names and definitions) instead of computing them')
    .option('--json', 'with --list: print the set as JSON')
    .option('--symbol <symbol>', 'symbol of the series (default: from the file name)')
    .option('--timeframe <tf>', 'timeframe of the series, e.g. 1m, 5m, 1h (default: detected; with --list: 5m)')
    .addHelpText('after', `
Examples:
  arbiter features --data BTC_USD_USD-1m-futures.csv --out features.csv
  arbiter features --data BTC_USDT-1h.csv --set my-set.yaml --out features.json
  arbiter features --list --timeframe 1h`)
    .action(async (options: FeaturesOptions) => {
      if (options.list) await runList(options);
      else await runFeatures(options);
    });
}
