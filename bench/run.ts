/**
 * `npm run bench [-- <id-prefix>...]`: runs every benchmark in bench/*.bench.ts (or those whose id
 * starts with one of the given prefixes), prints a table with the machine, and writes
 * bench/results.json as a list of {id, metric, value, unit, peers}. Results of benchmarks not run
 * this time are kept from the previous file.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { machineInfo, type Benchmark, type BenchResult } from './kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsPath = join(here, 'results.json');

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
  const all: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks?: Benchmark[] };
    all.push(...(mod.benchmarks ?? []));
  }
  return all;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

const prefixes = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const benchmarks = (await loadBenchmarks()).filter((b) => prefixes.length === 0 || prefixes.some((p) => b.id.startsWith(p)));
if (benchmarks.length === 0) {
  const ids = (await loadBenchmarks()).map((b) => b.id).join(', ');
  process.stderr.write(`error: no benchmark matches ${prefixes.join(' ')}; available: ${ids}\n`);
  process.exit(1);
}

const machine = machineInfo();
process.stdout.write(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}\n`);
const results: BenchResult[] = [];
for (const bench of benchmarks) {
  process.stdout.write(`running ${bench.id}: ${bench.description}\n`);
  results.push(...(await bench.run()));
}

const table = new Table({ head: ['benchmark', 'metric', 'arbiter', 'peers (same run)', 'ratio'] });
for (const r of results) {
  const peers = Object.entries(r.peers);
  const peerText = peers.map(([name, v]) => `${name}: ${format(v)}`).join('\n');
  // For throughput metrics (per second) higher is better; for latencies lower is better.
  const higherIsBetter = !/ms|µs|ns|seconds|latency|bytes/i.test(r.unit);
  const ratioText = peers.map(([name, v]) => `${higherIsBetter ? (r.value / v).toFixed(2) : (v / r.value).toFixed(2)}x vs ${name}`).join('\n');
  table.push([r.id, r.metric, `${format(r.value)} ${r.unit}`, peerText, ratioText]);
}
process.stdout.write(`${table.toString()}\n`);

let previous: BenchResult[] = [];
try {
  previous = JSON.parse(await readFile(resultsPath, 'utf8')) as BenchResult[];
} catch {
  previous = [];
}
const ranIds = new Set(benchmarks.map((b) => b.id));
const kept = previous.filter((r) => ![...ranIds].some((id) => r.id === id || r.id.startsWith(`${id}.`) || r.id.startsWith(`${id}:`)));
await writeFile(resultsPath, `${JSON.stringify([...kept, ...results], null, 2)}\n`);
process.stdout.write(`wrote ${resultsPath}\n`);
