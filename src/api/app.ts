/**
 * Everything `arbiter serve` and `arbiter start` run, assembled: storage, tokens, the paper
 * session, the job queue (BullMQ when a Redis URL is configured, in-process otherwise), the
 * stream, notifications and the HTTP server.
 *
 * @example
 * const api = await createApiApp({ config: loadServerConfig(text) });
 * const url = await api.listen();
 * // … later
 * await api.close();
 */
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '../core/logger.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/port.js';
import { TokenStore } from './auth/tokens.js';
import { secretsOf, type ServerConfig } from './config.js';
import type { ApiContext, DecisionCoreBinding, Notifier } from './context.js';
import { backtestProcessor } from './jobs/backtest.js';
import { BullJobQueue } from './jobs/bullmq.js';
import { InProcessJobQueue } from './jobs/in-process.js';
import { trainProcessor } from './jobs/train.js';
import type { JobQueue } from './jobs/types.js';
import { ApiMetrics } from './metrics.js';
import { streamToHub } from './routes/ws.js';
import { buildServer } from './server.js';
import type { TradingSession } from './session.js';
import { sessionDecisionCore } from './tradingview/decide.js';
import { WsHub } from './ws.js';

export interface ApiAppOptions {
  readonly config: ServerConfig;
  /** The trading session to serve (built by the caller: `arbiter start` from its flags, `serve` from the config). */
  readonly session?: TradingSession;
  /** Open storage to use; otherwise `config.database.url`, then `DATABASE_URL`, then SQLite under ./data. */
  readonly storage?: Storage;
  readonly logger?: Logger;
  /** Serve the dashboard's files at `/` (default true). */
  readonly dashboard?: boolean;
  /** Print nothing and create no session token (tests create tokens themselves). */
  readonly sessionToken?: boolean;
  readonly decisionCore?: DecisionCoreBinding;
  /** Builds notifications once the context exists (Telegram, outgoing webhook). */
  readonly notifications?: (ctx: ApiContext) => Promise<NotificationHandle>;
  /** Secrets to keep out of responses and logs besides the config's. */
  readonly extraSecrets?: readonly string[];
}

export interface NotificationHandle extends Notifier {
  close(): Promise<void>;
}

export interface ApiApp {
  readonly app: FastifyInstance;
  readonly context: ApiContext;
  /** The session admin token (memory only), when one was created. */
  readonly sessionToken: string | undefined;
  /** Starts listening; resolves with the base URL. */
  listen(host?: string, port?: number): Promise<string>;
  /** Stops the server, the session, the jobs and notifications, and closes storage if it opened it. */
  close(): Promise<void>;
}

export async function createApiApp(options: ApiAppOptions): Promise<ApiApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger('arbiter-api');
  const ownsStorage = options.storage === undefined;
  const storage = options.storage ?? (await openStorage(config.database.url));
  const tokens = await TokenStore.open(storage.audit);
  const processors = { backtest: backtestProcessor(storage), train: trainProcessor(storage) };
  let jobs: JobQueue;
  if (config.jobs.redisUrl) {
    const queue = new BullJobQueue(config.jobs.redisUrl, processors);
    try {
      await queue.ready();
    } catch (error) {
      await queue.close().catch(() => undefined);
      if (ownsStorage) await storage.close();
      throw error;
    }
    jobs = queue;
  } else {
    jobs = new InProcessJobQueue(processors);
  }
  const metrics = new ApiMetrics();
  const hub = new WsHub(metrics);
  const secrets: string[] = [...(options.extraSecrets ?? [])];
  let notifier: NotificationHandle = { telegram: false, webhook: false, close: () => Promise.resolve() };
  const context: ApiContext = {
    config, session: options.session, storage, tokens, jobs, metrics, hub, logger, startedAt: Date.now(), secrets,
    get notifier() {
      return notifier;
    },
    decisionCore: options.decisionCore ?? sessionDecisionCore(options.session, () => context),
  };
  secrets.push(...secretsOf(config));
  streamToHub(context);
  if (options.notifications) notifier = await options.notifications(context);
  const app = await buildServer(context, { dashboard: options.dashboard ?? true });
  let sessionToken: string | undefined;
  if (options.sessionToken ?? config.server.sessionToken) {
    sessionToken = tokens.createSessionToken(['admin'], 'local dashboard').token;
    secrets.push(sessionToken);
  }
  let closed = false;
  return {
    app, context, sessionToken,
    async listen(host = config.server.host, port = config.server.port): Promise<string> {
      await app.listen({ host, port });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      hub.closeAll();
      await app.close();
      await notifier.close();
      await jobs.close();
      await options.session?.stop();
      if (ownsStorage) await storage.close();
    },
  };
}
