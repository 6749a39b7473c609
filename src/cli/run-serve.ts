/** What `arbiter serve` does once its options are parsed (see commands/serve.ts). */
import { readFileSync } from 'node:fs';
import { checkServerConfig, loadServerConfig, parseServerConfig, type ServerConfig } from '../api/config.js';
import { serve, untilSignal } from '../api/run.js';
import { createPaperSession } from '../api/session.js';
import { ConfigurationError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { openStorage } from '../storage/open.js';
import type { ServeOptionValues } from './commands/serve.js';
import { parseNumber } from './options.js';
import { resolveRun } from './resolve-run.js';

export function serverConfigFrom(options: { config?: string; port?: string; host?: string; database?: string; sessionToken?: boolean }): ServerConfig {
  let config: ServerConfig;
  if (options.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.config, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`cannot read ${options.config}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`, '--config');
    }
    config = loadServerConfig(text, process.env, options.config);
  } else {
    config = checkServerConfig(parseServerConfig({}));
  }
  const port = options.port === undefined ? config.server.port : parseNumber('--port', options.port, { min: 0, max: 65_535, integer: true });
  const host = options.host ?? config.server.host;
  if (host.trim() === '') throw new ConfigurationError('give an address such as 127.0.0.1', '--host');
  return checkServerConfig({
    ...config,
    server: { ...config.server, port, host, ...(options.sessionToken === false ? { sessionToken: false } : {}) },
    database: { url: options.database ?? config.database.url ?? process.env.DATABASE_URL },
    jobs: { redisUrl: config.jobs.redisUrl ?? process.env.REDIS_URL },
  });
}

export async function runServeCommand(options: ServeOptionValues): Promise<void> {
  const config = serverConfigFrom(options);
  const p = config.paper;
  const run = await resolveRun({ data: p.data, strategy: p.strategy, param: Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`), cash: String(p.cash), fee: String(p.fee) });
  const logger = createLogger('arbiter');
  const storage = await openStorage(config.database.url);
  try {
    const session = createPaperSession({
      tables: run.tables, strategy: run.strategy, params: run.params, speed: p.speed, cash: run.cash, sim: run.sim, storage, logger,
      ...(config.risk ? { risk: config.risk } : {}),
    });
    const serving = await serve({ config, session, storage, logger, out: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`Arbiter API on ${serving.url} (${config.mode}; ${session.strategyName} on ${session.symbols.join(', ')} ${session.timeframe}; storage ${storage.url}; jobs ${serving.api.context.jobs.kind})\n`);
    process.stdout.write(`Dashboard: ${serving.dashboardUrl}${serving.api.sessionToken ? '   (admin token for this session only)' : ''}\nAPI docs: ${serving.url}/docs   Ctrl-C stops.\n`);
    await untilSignal(() => process.stderr.write('\nstopping…\n'));
    await serving.api.close();
  } finally {
    await storage.close();
  }
}
