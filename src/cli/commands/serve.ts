/**
 * `arbiter serve`: the API server, the dashboard at `/` and a paper session as the config file
 * says (docs/api.md). Paper unless the config enables live trading; without `--config`, the
 * defaults (bundled BTC/USDT 1h data, ema-cross, SQLite).
 */
import type { Command } from 'commander';

export interface ServeOptionValues {
  port?: string;
  host?: string;
  config?: string;
  sessionToken: boolean;
  database?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API server and the dashboard with a paper-trading session (see docs/api.md)')
    .option('--port <port>', 'TCP port (default: server.port in the config, else 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1: this machine only)')
    .option('-c, --config <file>', 'YAML configuration (values may use ${ENV} and ${ENV:-default})')
    .option('--database <url>', 'database URL (default: database.url in the config, else DATABASE_URL, else sqlite:./data/arbiter.db)')
    .option('--no-session-token', 'do not create the dashboard\'s session admin token')
    .addHelpText('after', `
Examples:
  npx arbiter serve                                  # http://127.0.0.1:8080, paper trading on bundled data
  npx arbiter serve --port 9000 --config arbiter.yaml
  npx arbiter token create --scope read --json       # a token for scripts`)
    .action(async (options: ServeOptionValues) => {
      const { runServeCommand } = await import('../run-serve.js');
      await runServeCommand(options);
    });
}
