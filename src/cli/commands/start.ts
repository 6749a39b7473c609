/**
 * `arbiter start` (what `npm start` runs): paper trading of a strategy on recorded bars replayed
 * through the live node — the same kernel and simulated exchange as a backtest, a simulated clock
 * running faster than real time — with the API server and the dashboard at http://127.0.0.1:8080
 * (the URL printed carries a session token). A line per fill and a status line about once a
 * second go to the terminal; Ctrl-C stops with a summary. `--headless` (or `--json`) runs without
 * the server and ends when the data ends. Works offline on a fresh clone: the default data set is
 * bundled. The engine is imported when the command runs.
 */
import type { Command } from 'commander';
import { addRunOptions, DEFAULT_PAPER_DATA, DEFAULT_PAPER_STRATEGY, type StartOptionValues } from '../run-options.js';

/** `arbiter start`'s option values: the run options plus the server's. */
export interface StartCommandValues extends Omit<StartOptionValues, 'speed'> {
  speed?: string;
  headless?: boolean;
  port?: string;
  host?: string;
  database?: string;
  sessionToken: boolean;
  /** The decision core (AI scalping service) trades from the start. */
  ai?: boolean;
}

export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description('paper-trade a strategy on recorded bars with the dashboard and API (what `npm start` runs)')
    .addHelpText('after', `
Examples:
  arbiter start                                   # ${DEFAULT_PAPER_STRATEGY} on ${DEFAULT_PAPER_DATA}, dashboard at http://127.0.0.1:8080
  arbiter start --port 9000 --speed 2             # slower replay, another port
  arbiter start --headless --speed max --bars 500 --json paper.json   # no server; report at the end`);
  addRunOptions(command, { data: DEFAULT_PAPER_DATA, strategy: DEFAULT_PAPER_STRATEGY })
    .option('--speed <bars-per-second>', 'replay speed in bars per second of wall time, or "max" (default: 10 with the dashboard, 50 headless)')
    .option('--bars <n>', 'stop after this many bars')
    .option('--json <file>', 'write the final report as JSON (same format as `arbiter backtest --json`); implies --headless')
    .option('-q, --quiet', 'print only the final summary')
    .option('--headless', 'no server and no dashboard: print the run and end when the data ends')
    .option('--port <port>', 'server port (default 8080; 0 picks a free one)')
    .option('--host <host>', 'server address (default 127.0.0.1: this machine only)')
    .option('--database <url>', 'where the server keeps orders and the audit log (default: DATABASE_URL, else sqlite:./data/arbiter.db)')
    .option('--no-session-token', 'do not create the dashboard\'s session admin token')
    .option('--ai', 'let the decision core (AI scalping service: heads, consensus, Kelly sizing, risk) trade from the start; without it, it votes and records its decisions but trades only once switched on (POST /api/v1/ai/scalping/toggle)')
    .action(async (options: StartCommandValues) => {
      const { runPaperCommand } = await import('../run-paper.js');
      await runPaperCommand(options);
    });
}
