/**
 * Test kit for the API: a paper session on the bundled BTC/USDT 1h data that the test steps by
 * hand, storage in memory, one token per scope, and the server built (not listening unless asked).
 */
import { parseServerConfig, type ServerConfigInput } from '../../src/api/config.js';
import { createApiApp, type ApiApp, type ApiAppOptions } from '../../src/api/app.js';
import { createPaperSession, type PaperSessionOptions, type TradingSession } from '../../src/api/session.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import type { BarTable } from '../../src/model/bar.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/port.js';
import { loadStrategy } from '../../src/strategy/loader.js';

/** A parsed response body; tests check it against the endpoint's zod schema, then read fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

export interface ApiHarness {
  readonly api: ApiApp;
  readonly session: TradingSession;
  readonly storage: Storage;
  readonly tokens: { readonly read: string; readonly trade: string; readonly admin: string };
  /** Delivers `n` more bars (synchronously). */
  step(n?: number): void;
  /** `app.inject` with a token of a scope. */
  request(options: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown; scope?: 'read' | 'trade' | 'admin' | 'none'; token?: string; headers?: Record<string, string>; payload?: string }): Promise<{ status: number; body: Json; headers: Record<string, unknown>; text: string }>;
  close(): Promise<void>;
}

let cachedTable: BarTable | undefined;
export async function btcTable(): Promise<BarTable> {
  cachedTable ??= (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
  return cachedTable;
}

export interface HarnessOptions {
  readonly config?: ServerConfigInput;
  readonly session?: Partial<PaperSessionOptions>;
  readonly app?: Partial<ApiAppOptions>;
  readonly logger?: Logger;
  /** Bars delivered before the test starts (default 100). */
  readonly warmBars?: number;
  readonly storage?: Storage;
}

export async function apiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const config = parseServerConfig({ server: { rateLimit: { max: 0 }, sessionToken: false, ...(options.config?.server ?? {}) }, ...(options.config ?? {}), ...(options.config?.server ? {} : {}) });
  const storage = options.storage ?? (await openStorage('sqlite::memory:'));
  const { definition } = await loadStrategy('ema-cross');
  const logger = options.logger ?? silentLogger();
  // A very slow pace: the timer delivers the first bar at start, the test delivers the rest with step().
  const session = createPaperSession({ tables: [await btcTable()], strategy: definition, speed: 0.0001, storage, logger, sim: { fees: { maker: 0.001, taker: 0.001 } }, ...(options.session ?? {}) });
  const api = await createApiApp({ config, session, storage, logger, dashboard: false, sessionToken: false, ...(options.app ?? {}) });
  await session.start();
  const tokens = {
    read: (await api.context.tokens.create({ scopes: ['read'], label: 'test-read', actor: 'test' })).token,
    trade: (await api.context.tokens.create({ scopes: ['trade'], label: 'test-trade', actor: 'test' })).token,
    admin: (await api.context.tokens.create({ scopes: ['admin'], label: 'test-admin', actor: 'test' })).token,
  };
  const step = (n = 1): void => {
    for (let i = 0; i < n; i++) if (!session.feed.step()) break;
  };
  step((options.warmBars ?? 100) - session.feed.progress.delivered);
  return {
    api, session, storage, tokens, step,
    async request({ method = 'GET', url, body, scope = 'read', token, headers = {}, payload }) {
      const auth = token ?? (scope === 'none' ? undefined : tokens[scope]);
      const response = await api.app.inject({
        method, url,
        headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(payload !== undefined ? { payload } : body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body);
      } catch {
        parsed = undefined;
      }
      return { status: response.statusCode, body: parsed, headers: response.headers, text: response.body };
    },
    async close() {
      await api.close();
      await session.stop();
      if (!options.storage) await storage.close();
    },
  };
}
