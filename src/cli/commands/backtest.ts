/**
 * `arbiter backtest`: run a strategy over historical bars on the simulated exchange, print a
 * summary, and optionally write the JSON report and a standalone HTML report.
 *
 *   npx arbiter backtest --data <csv> --strategy <name|path> [--param key=value ...] [--cash 10000]
 *     [--fee 0.001] [--slippage-bps 0] [--json <out.json>]
 *
 * The engine is imported when the command runs, so that `arbiter --help` stays quick.
 */
import { Option, type Command } from 'commander';
import { conventions } from '../../backtest/conventions.js';
import { addRunOptions } from '../run-options.js';
import type { BacktestOptionValues } from '../run-backtest.js';

export function registerBacktest(program: Command): void {
  const command = program
    .command('backtest')
    .description('run a strategy over historical bars and report trades, equity and metrics')
    .addHelpText('after', `
Examples:
  arbiter backtest --data data/bundled/BTC_USDT-1h.csv --strategy sma-cross
  arbiter backtest --data GOOG-1d.csv --strategy ema-cross --param fast=10 --param slow=40 --json out.json --html out.html
  arbiter backtest --data ./my-candles.csv --strategy ./my-strategy.ts --fee 0.00075 --slippage sqrt:1`);
  addRunOptions(command)
    .option('--json <file>', 'write the full report (trades, orders, equity, metrics) as JSON')
    .option('--html <file>', 'write a standalone HTML report with charts (opens offline)')
    .addOption(new Option('--convention <name>', 'fill and statistics conventions (default: arbiter)').choices(Object.keys(conventions)))
    .option('--no-close-at-end', 'leave positions open at the end instead of closing them at the last close')
    .option('-q, --quiet', 'print nothing but errors (files are still written)')
    .action(async (options: BacktestOptionValues, cmd: Command) => {
      const { runBacktestCommand } = await import('../run-backtest.js');
      await runBacktestCommand(options, { closeAtEndGiven: cmd.getOptionValueSource('closeAtEnd') === 'cli' });
    });
}
