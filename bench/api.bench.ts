/**
 * The API server under load. The real server is started as `arbiter serve` starts it (the paper
 * session on the bundled BTC/USDT 1h data, SQLite in a temporary directory, notifications wiring,
 * rate limiting, token auth, zod validation) inside this process; the load comes from autocannon in
 * a separate child process, so the load generator does not share the server's event loop. Each
 * endpoint gets a warm-up, then a measured run; requests per second and latency percentiles come
 * from every response the generator saw (its own timings, in ms with sub-millisecond resolution).
 *
 * The peer is a bare Fastify server in the same process answering the same bytes with no auth, no
 * rate limit, no validation and no work, measured with the same load: the ratio is what Arbiter's
 * request pipeline costs on top of Fastify itself, on the same machine at the same time.
 *
 * `ARBITER_BENCH_API_SECONDS` (default 10) sets the measured duration, `ARBITER_BENCH_API_CONNECTIONS`
 * (default 50) the connections.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fastify } from 'fastify';
import { checkServerConfig, parseServerConfig } from '../src/api/config.js';
import { serve } from '../src/api/run.js';
import { createPaperSession } from '../src/api/session.js';
import { resolveRun } from '../src/cli/resolve-run.js';
import { createLogger } from '../src/core/logger.js';
import { openStorage } from '../src/storage/open.js';
import type { DecisionRecord, Storage } from '../src/storage/port.js';
import type { Benchmark, BenchResult } from './kit.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.ARBITER_BENCH_API_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env.ARBITER_BENCH_API_CONNECTIONS ?? 50);
/**
 * The rate limit stays on, raised through the documented config (`server.rateLimit.max`) so the
 * bench's single token is not refused: 600/min would stop the run after 600 requests.
 */
const RATE_LIMIT = { max: 100_000_000, windowMs: 60_000 };
/** The requirement for both endpoints on the project's machine. */
const TARGET_RPS = 10_000;
const TARGET_P99_MS = 10;

/** What one load run saw. Latencies in ms. */
interface LoadResult {
  readonly rps: number;
  readonly count: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly codes: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
}

interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

/**
 * The load generator, run by a separate `node` process: a warm-up run (discarded), then the
 * measured run, recording every response's status and time. Prints one JSON line. The spec (with
 * the token) comes through the environment, so it is not on a command line.
 */
const LOAD_SCRIPT = String.raw`
const autocannon = require('autocannon');
const spec = JSON.parse(process.env.ARBITER_BENCH_LOAD);
function run(seconds, record) {
  return new Promise((resolve, reject) => {
    let times = new Float64Array(1 << 18);
    let n = 0;
    const codes = {};
    const t0 = process.hrtime.bigint();
    const instance = autocannon({
      url: spec.url, method: spec.method, headers: spec.headers, body: spec.body,
      connections: spec.connections, pipelining: 1, duration: seconds, timeout: 10,
    }, (error, result) => {
      if (error) return reject(error);
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      resolve({ result, times: times.subarray(0, n), codes, elapsed });
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      codes[status] = (codes[status] || 0) + 1;
      if (!record) return;
      if (n === times.length) { const bigger = new Float64Array(times.length * 2); bigger.set(times); times = bigger; }
      times[n++] = ms;
    });
  });
}
(async () => {
  await run(spec.warmupSeconds, false);
  const { result, times, codes, elapsed } = await run(spec.seconds, true);
  times.sort();
  const at = (q) => times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : NaN;
  // autocannon stops issuing at 'duration' and counts the responses of that window.
  const seconds = result.duration || elapsed;
  process.stdout.write(JSON.stringify({
    rps: times.length / seconds, count: times.length, seconds,
    p50: at(0.5), p90: at(0.9), p99: at(0.99), max: times.length ? times[times.length - 1] : NaN,
    codes, errors: result.errors, timeouts: result.timeouts,
  }) + '\n');
})().catch((error) => { process.stderr.write(String(error && error.stack || error) + '\n'); process.exit(1); });
`;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD_SCRIPT], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '', ARBITER_BENCH_LOAD: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
      } catch (error) {
        reject(new Error(`the load generator printed no result: ${String(error)}`));
      }
    });
  });
}

/** Decisions as the decision core stores them: 4 votes each with their inputs. */
async function seedDecisions(storage: Storage, count: number): Promise<void> {
  const start = Date.UTC(2025, 0, 1);
  const heads = ['ema-trend', 'rsi-reversion', 'orderflow-imbalance', 'llm-brief'];
  for (let i = 0; i < count; i++) {
    const direction = i % 3 === 0 ? -1 : 1;
    const d: DecisionRecord = {
      id: `D-bench-${i}`, symbol: 'BTC/USDT', strategy: 'ensemble', action: direction > 0 ? 'buy' : 'sell', side: direction > 0 ? 'buy' : 'sell',
      direction: direction * 0.6, sizePercent: 2.5, entryPrice: 94_000 + i, stopLoss: 92_000 + i, takeProfit: 98_000 + i,
      confidence: 0.72, consensusScore: 0.64, reasoning: 'Trend and order flow agree; RSI is neutral, so the mean-reversion head abstains from fading the move.',
      marketAnalysis: 'EMA(12) above EMA(26) for 9 bars, volume 1.4x its 20-bar mean.', riskAssessment: 'ATR 1.1% of price; stop at 2x ATR.',
      modelUsed: 'consensus-weighted-v1', outcome: 'pending', createdAt: start + i * 3_600_000,
      votes: heads.map((head, k) => ({
        head, direction: k === 1 ? 0 : direction, confidence: 0.5 + k / 10, weight: 0.25, horizonMs: 3_600_000,
        reason: `${head} signal`, status: k === 1 ? 'abstained' as const : 'ok' as const,
        inputs: { ema_fast: 94_010.5 + i, ema_slow: 93_870.25 + i, rsi: 55.2, volume_ratio: 1.4 },
      })),
    };
    await storage.decisions.record(d);
  }
}

interface Target {
  readonly id: string;
  readonly label: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

export const targets: readonly Target[] = [
  {
    id: 'api.analyze', label: 'POST /api/ai/analyze', method: 'POST', path: '/api/ai/analyze',
    body: JSON.stringify({ symbol: 'BTC/USDT', cex_price: 94_000, dex_price: 94_650, notional_quote: 2_000, gas_cost_quote: 4, confidence: 0.8 }),
  },
  { id: 'api.decisions-recent', label: 'GET /api/ai/decisions/recent (20 decisions with 4 votes each)', method: 'GET', path: '/api/ai/decisions/recent?limit=20' },
];

interface Server {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** The server as `arbiter serve` builds it (run-serve.ts), on a free loopback port. */
export async function startArbiter(dir: string): Promise<Server> {
  const config = checkServerConfig(parseServerConfig({
    mode: 'paper',
    server: { host: '127.0.0.1', port: 0, sessionToken: false, rateLimit: RATE_LIMIT },
    database: { url: `sqlite:${join(dir, 'arbiter.db')}` },
  }));
  const p = config.paper;
  const run = await resolveRun({ data: p.data, strategy: p.strategy, param: Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`), cash: String(p.cash), fee: String(p.fee) });
  const logger = createLogger('arbiter', { level: process.env.ARBITER_LOG_LEVEL ?? 'warn' });
  const storage = await openStorage(config.database.url);
  await seedDecisions(storage, 200);
  const session = createPaperSession({ tables: run.tables, strategy: run.strategy, params: run.params, speed: p.speed, cash: run.cash, sim: run.sim, storage, logger });
  const serving = await serve({ config, session, storage, logger, out: () => {} });
  const { token } = await serving.api.context.tokens.create({ scopes: ['read'], label: 'bench', actor: 'bench' });
  return {
    url: serving.url, token,
    async close() {
      await serving.api.close();
      await storage.close();
    },
  };
}

/** A bare Fastify answering fixed bytes on the same path: no auth, rate limit, validation or work. */
async function startPeer(target: Target, text: string): Promise<Server> {
  const app = fastify({ logger: false });
  const payload = Buffer.from(text);
  app.route({ method: target.method, url: target.path.split('?')[0]!, handler: (_request, reply) => reply.type('application/json; charset=utf-8').send(payload) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, token: 'none', close: () => app.close() };
}

export function spec(server: Server, target: Target): LoadSpec {
  return {
    url: server.url + target.path, method: target.method, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS,
    headers: { authorization: `Bearer ${server.token}`, ...(target.body ? { 'content-type': 'application/json' } : {}) },
    ...(target.body ? { body: target.body } : {}),
  };
}

export function describe(label: string, r: LoadResult): string {
  const f = (x: number): string => x.toFixed(2);
  return `  ${label}: ${Math.round(r.rps)} req/s, p50 ${f(r.p50)} ms, p90 ${f(r.p90)} ms, p99 ${f(r.p99)} ms, max ${f(r.max)} ms (${r.count} responses in ${r.seconds} s; codes ${JSON.stringify(r.codes)}, errors ${r.errors}, timeouts ${r.timeouts})\n`;
}

function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

/** Measures one target against Arbiter and the bare peer (each started for this benchmark). */
async function measure(target: Target): Promise<{ arbiter: LoadResult; peer: LoadResult }> {
  const dir = await mkdtemp(join(os.tmpdir(), 'arbiter-bench-api-'));
  const arbiter = await startArbiter(dir);
  let peer: Server | undefined;
  try {
    process.stdout.write(`  ${os.cpus().length} cores, load average ${loadAverage()}; ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per run; autocannon in a child process\n`);
    process.stdout.write(`  rate limit on, raised through the config for the bench: server.rateLimit = { max: ${RATE_LIMIT.max}, windowMs: ${RATE_LIMIT.windowMs} } (default 600 per minute per token)\n`);
    // The peer answers the bytes Arbiter answers, so both move the same data.
    const response = await fetch(arbiter.url + target.path, { method: target.method, headers: spec(arbiter, target).headers, ...(target.body ? { body: target.body } : {}) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${target.label} answered ${response.status}: ${text.slice(0, 200)}`);
    peer = await startPeer(target, text);
    const a = await runLoad(spec(arbiter, target));
    process.stdout.write(describe(`arbiter ${target.label}`, a));
    const p = await runLoad(spec(peer, target));
    process.stdout.write(describe(`bare fastify ${target.method} ${target.path.split('?')[0]!} (same ${text.length} bytes)`, p));
    const total = Object.values(a.codes).reduce((s, n) => s + n, 0);
    if ((a.codes['200'] ?? 0) !== total || a.errors > 0) {
      throw new Error(`${target.label}: not every response was 200 (${JSON.stringify(a.codes)}, ${a.errors} errors)`);
    }
    const met = a.rps >= TARGET_RPS && a.p99 < TARGET_P99_MS;
    process.stdout.write(`  target (>= ${TARGET_RPS} req/s with p99 < ${TARGET_P99_MS} ms): ${met ? 'met' : 'NOT met'}; load average after: ${loadAverage()}\n`);
    return { arbiter: a, peer: p };
  } finally {
    await peer?.close();
    await arbiter.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function resultsFor(target: Target, r: { arbiter: LoadResult; peer: LoadResult }): BenchResult[] {
  const notes = `${CONNECTIONS} connections from autocannon in a child process, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up; read-scope token, rate limit on (raised via server.rateLimit.max); peer: bare Fastify answering the same bytes with no auth, limit or validation`;
  return [
    { id: `${target.id}.rps`, metric: `${target.label} requests/s`, value: r.arbiter.rps, unit: 'req/s', peers: { 'bare fastify (same bytes)': r.peer.rps }, notes },
    { id: `${target.id}.p99`, metric: `${target.label} p99 latency`, value: r.arbiter.p99, unit: 'ms', peers: { 'bare fastify (same bytes)': r.peer.p99 }, notes },
  ];
}

export const benchmarks: Benchmark[] = targets.map((target): Benchmark => ({
  id: target.id,
  description: `${target.label} under load (${CONNECTIONS} connections, autocannon in a child process): requests/s and p99 latency; peer: bare Fastify`,
  async run() {
    return resultsFor(target, await measure(target));
  },
}));
