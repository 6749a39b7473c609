/**
 * What `arbiter start` does once its options are parsed (see commands/start.ts): paper trading on
 * replayed bars, with the API server and dashboard (default) or headless (`--headless`, `--json`).
 * Both print the same lines; both end with the same summary.
 */
import { conventions } from '../backtest/conventions.js';
import { buildReport, reportToJson } from '../backtest/report.js';
import { SimulatedClock } from '../core/clock.js';
import { LiveNode, type NodeStatus } from '../live/node.js';
import type { BarTable } from '../model/bar.js';
import type { OrderEvent } from '../model/events.js';
import type { SlippageModel } from '../sim/slippage.js';
import { ReplayDataClient } from '../adapters/replay/index.js';
import type { MessageBus } from '../bus/message-bus.js';
import type { StartCommandValues } from './commands/start.js';
import { money, pct, price, utc } from './format.js';
import { parseNumber, writeOutput } from './options.js';
import { resolveRun, type ResolvedRun } from './resolve-run.js';
import { DEFAULT_PAPER_DATA } from './run-options.js';
import { formatSummary } from './summary.js';

export async function runPaperCommand(options: StartCommandValues): Promise<void> {
  const headless = options.headless === true || options.json !== undefined;
  const speedText = options.speed ?? (headless ? '50' : '10');
  const speed = speedText.trim() === 'max' ? 'max' as const : parseNumber('--speed', speedText, { above: 0, max: 1e9 });
  const bars = options.bars === undefined ? undefined : parseNumber('--bars', options.bars, { min: 1, integer: true });
  const run = await resolveRun({ ...options, strategy: options.strategy, data: options.data ?? [DEFAULT_PAPER_DATA] });
  if (!headless) {
    await runServed(options, run, speed, bars);
    return;
  }
  const first = Math.min(...run.tables.map((t) => t.time[0]!));
  const clock = new SimulatedClock(first);
  const feed = new ReplayDataClient(run.tables, clock, { speed, ...(bars !== undefined ? { maxSteps: bars } : {}) });
  const node = new LiveNode({
    strategy: run.strategy, params: run.params, dataClient: feed, clock, cash: run.cash, account: run.account,
    sim: run.sim, fundingRates: run.fundingRates, ...(run.maxOpenTrades !== undefined ? { maxOpenTrades: run.maxOpenTrades } : {}),
  });
  const out = (line: string): void => {
    if (!options.quiet) process.stdout.write(`${line}\n`);
  };
  printHeader(out, run, feed, speed, node.environment);
  printProgress(out, node.kernel.bus, feed.progress.total, speed, run.tables.length, run.cash);

  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130); // a second Ctrl-C does not wait
    interrupted = true;
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
    void node.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    await node.run();
  } finally {
    process.off('SIGINT', onSigint);
  }
  printSummary(node, feed, run, interrupted, options.json);
}

/** Paper trading with the server: the session runs, the dashboard serves, until Ctrl-C. */
async function runServed(options: StartCommandValues, run: ResolvedRun, speed: number | 'max', bars: number | undefined): Promise<void> {
  const { serverConfigFrom } = await import('./run-serve.js');
  const { serve, untilSignal } = await import('../api/run.js');
  const { createPaperSession } = await import('../api/session.js');
  const { createLogger } = await import('../core/logger.js');
  const { openStorage } = await import('../storage/open.js');
  const config = serverConfigFrom({
    ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}), sessionToken: options.sessionToken,
  });
  const out = (line: string): void => {
    if (!options.quiet) process.stdout.write(`${line}\n`);
  };
  const logger = createLogger('arbiter', { level: process.env.ARBITER_LOG_LEVEL ?? 'warn' });
  const storage = await openStorage(config.database.url);
  try {
    const session = createPaperSession({
      tables: run.tables, strategy: run.strategy, params: run.params, speed, cash: run.cash, account: run.account, sim: run.sim,
      fundingRates: run.fundingRates, storage, logger,
      // The demo shows the decision core at work: its heads vote on every bar and each decision,
      // with every vote, is filed for the dashboard. It trades (beside the strategy, on its own
      // positions) only with --ai or once switched on from the dashboard or the API.
      scalping: { preset: 'conservative', enabled: options.ai === true, record: true },
      ...(bars !== undefined ? { maxSteps: bars } : {}), ...(run.maxOpenTrades !== undefined ? { maxOpenTrades: run.maxOpenTrades } : {}),
    });
    printHeader(out, run, session.feed, speed, session.node.environment);
    printProgress(out, session.kernel.bus, session.feed.progress.total, speed, run.tables.length, run.cash);
    const serving = await serve({ config, session, storage, logger, out });
    process.stdout.write(`Dashboard: ${serving.dashboardUrl}${serving.api.sessionToken ? '   (admin token for this session only)' : ''}\n`);
    process.stdout.write(`API: ${serving.url}/api  docs: ${serving.url}/docs  storage: ${storage.url}. Ctrl-C stops.\n`);
    let interrupted = false;
    const ended = session.node.finished.then(() => 'ended' as const, () => 'faulted' as const);
    void ended.then((how) => {
      if (!interrupted) out(how === 'ended' ? 'The replay has ended; the dashboard stays up. Ctrl-C stops.' : `The session faulted: ${session.faultReason ?? 'see the log'}. Ctrl-C stops.`);
    });
    await untilSignal(() => {
      interrupted = true;
      process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
    });
    await serving.api.close();
    printSummary(session.node, session.feed, run, session.feed.progress.delivered < session.feed.progress.total, options.json);
  } finally {
    await storage.close();
  }
}

function printHeader(out: (line: string) => void, run: ResolvedRun, feed: ReplayDataClient, speed: number | 'max', environment: string): void {
  const first = Math.min(...run.tables.map((t) => t.time[0]!));
  out(`Arbiter paper trading: ${run.strategy.name} ${JSON.stringify(run.params)} on ${run.tables.map((t) => t.symbol).join(', ')} ${feed.timeframe}`);
  out(`Replaying ${feed.progress.total} bars from ${utc(first)} at ${speed === 'max' ? 'full speed' : `${speed} bars/s`} through the live kernel (environment ${environment}, simulated exchange: fee ${pct(run.sim.fees?.taker ?? 0, 3)}, slippage ${describeSlippage(run.sim.slippage)}). Ctrl-C stops.`);
}

function printProgress(out: (line: string) => void, bus: MessageBus, total: number, speed: number | 'max', symbolCount: number, cash: number): void {
  bus.subscribe('order', (event) => {
    const line = fillLine(event);
    if (line) out(line);
  });
  const every = speed === 'max' ? Math.max(1, Math.round(total / 20)) : Math.max(1, Math.round(speed));
  // With several symbols a status comes per bar; print a step once, after its last bar.
  let barsInStep = 0;
  let step = 0;
  bus.subscribe('node.status', (status) => {
    barsInStep = status.steps === step ? barsInStep + 1 : 1;
    step = status.steps;
    const lastOfStep = barsInStep === symbolCount || symbolCount === 1;
    if (lastOfStep && (status.steps % every === 0 || status.steps === total)) out(statusLine(status, cash, total));
  });
}

function printSummary(node: LiveNode, feed: ReplayDataClient, run: ResolvedRun, interrupted: boolean, json: string | undefined): void {
  const delivered = feed.progress;
  if (delivered.delivered === 0) {
    process.stdout.write('Stopped before the first bar; nothing to report.\n');
    return;
  }
  const tables = run.tables.map((t) => upTo(t, delivered.time)).filter((t) => t.length > 0);
  let report = buildReport({
    kernel: node.kernel, host: node.host, exchange: node.exchange!, tables, timeframe: feed.timeframe, cash: run.cash,
    equity: node.equityCurve(), barsInMarket: node.stepsInMarket, convention: conventions.arbiter!, simOptions: node.simOptions!, closeAtEnd: false,
  });
  const open = node.kernel.portfolio.openPositions();
  const notes = [...run.dataNotes];
  if (open.length > 0) notes.push(`${open.length} position${open.length === 1 ? ' is' : 's are'} still open (marked at the last close; paper trading does not close them at the end)`);
  if (interrupted) notes.push(`stopped by Ctrl-C after ${delivered.delivered} of ${delivered.total} bars`);
  report = { ...report, warnings: [...notes, ...report.warnings] };
  if (json !== undefined) writeOutput('--json', json, reportToJson(report));
  process.stdout.write(`\nPaper trading summary\n${formatSummary(report)}`);
  if (json !== undefined) process.stdout.write(`JSON report written to ${json}\n`);
}

function upTo(table: BarTable, time: number): BarTable {
  let end = table.length;
  while (end > 0 && table.time[end - 1]! > time) end--;
  return end === table.length ? table : table.slice(0, end);
}

function describeSlippage(model: SlippageModel | undefined): string {
  if (!model || model.kind === 'none') return 'none';
  if (model.kind === 'fixed-bps') return `${model.bps} bps`;
  return model.kind;
}

function fillLine(event: OrderEvent): string | undefined {
  if (event.kind === 'order.filled') {
    const f = event.fill;
    return `${utc(f.time)}  ${f.side === 'buy' ? 'BUY ' : 'SELL'} ${f.quantity.toPrecision(6)} ${f.symbol} @ ${price(f.price)}  fee ${money(f.fee)}${f.tag ? `  ${f.tag}` : ''}`;
  }
  if (event.kind === 'order.rejected') return `${utc(event.time)}  order rejected (${event.source}): ${event.reason}`;
  return undefined;
}

function statusLine(s: NodeStatus, cash: number, total: number): string {
  const positions = s.positions.length === 0
    ? 'flat'
    : s.positions.map((p) => `${p.side} ${Math.abs(p.quantity).toPrecision(6)} ${p.symbol} @ ${price(p.avgPrice)} (uPnL ${money(p.unrealizedPnl)})`).join(', ');
  return `[${utc(s.lastBarTime)}] equity ${money(s.equity)} (${pct(s.equity / cash - 1)}) | ${positions} | ${s.closedTrades} closed trades | bar ${s.steps}/${total}`;
}
