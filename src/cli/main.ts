/**
 * The `arbiter` command line. Each command lives in its own module under ./commands and is listed
 * in ./commands/index.ts. User errors print one line and exit with status 1; usage errors exit
 * with status 2; only bugs show a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { errorMessage, isUserFacing } from '../core/errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('arbiter')
    .description('AI-driven trading: backtest, paper and live trading on one kernel')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

let pipeGuarded = false;

/**
 * `arbiter … | head` closes the pipe while output is still being written; that is the reader's
 * choice, not an error worth a stack trace.
 */
function exitQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help/version/usage messages.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (isUserFacing(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`internal error (please report it): ${errorMessage(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    return 70;
  }
}
