/**
 * A real Arbiter server for the browser tests: `createApiApp` (src/api/app.ts) with a paper
 * session replaying the bundled BTC/USDT 1h bars, the decision core's scalping service on it,
 * SQLite storage in a temporary directory, the built dashboard at `/`, listening on 127.0.0.1 on a
 * free port. The test steers the replay by hand (`step`) so what the page shows is known.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, type ApiApp } from '../../src/api/app.js';
import { parseServerConfig } from '../../src/api/config.js';
import { createPaperSession, type TradingSession } from '../../src/api/session.js';
import { silentLogger } from '../../src/core/logger.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/port.js';
import { loadStrategy } from '../../src/strategy/loader.js';
import type { ScalpingService } from '../../src/live/scalping/index.js';

export interface BrowserTestServer {
  readonly url: string;
  readonly api: ApiApp;
  readonly session: TradingSession;
  readonly storage: Storage;
  /** The decision core's scalping service on the session (its decisions carry every head's vote). */
  readonly scalping: ScalpingService;
  /** The session admin token (memory only), as `npm start` creates one. */
  readonly token: string;
  /** Delivers up to `n` more bars; returns how many were delivered. */
  step(n: number): number;
  close(): Promise<void>;
}

export interface BrowserTestServerOptions {
  /** Bars replayed before the page loads (default 300). */
  readonly warmBars?: number;
  readonly strategy?: string;
  /** The built dashboard to serve (default web/dist). */
  readonly dashboardDir?: string;
}

export async function startBrowserTestServer(options: BrowserTestServerOptions = {}): Promise<BrowserTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-browser-'));
  const storage = await openStorage(`sqlite:${join(dir, 'arbiter.db')}`);
  const config = parseServerConfig({
    server: { host: '127.0.0.1', port: 0, rateLimit: { max: 0 }, ...(options.dashboardDir ? { dashboard: options.dashboardDir } : {}) },
  });
  const { definition } = await loadStrategy(options.strategy ?? 'ema-cross');
  const { table } = await loadBars(bundledDataPath('BTC_USDT-1h.csv'));
  // One bar per 1000 s: after the first bar the timer delivers nothing during a test; the test steps
  // the replay. (Slower paces overflow setTimeout, which then fires after 1 ms: full speed.)
  // The decision core runs beside the strategy as the session's AI scalping service (MISSION §3),
  // on from the start: its heads vote, its ensemble decides, and each decision with its votes is
  // written to storage, where `GET /api/v1/decisions` reads it.
  const session = createPaperSession({
    tables: [table], strategy: definition, speed: 0.001, storage, logger: silentLogger(), sim: { fees: { maker: 0.001, taker: 0.001 } },
    scalping: { preset: 'aggressive', enabled: true },
  });
  const scalping = session.scalping!;
  const api = await createApiApp({ config, session, storage, logger: silentLogger(), dashboard: true, sessionToken: true });
  await session.start();
  const url = await api.listen('127.0.0.1', 0);
  const step = (n: number): number => {
    let delivered = 0;
    while (delivered < n && session.feed.step()) delivered++;
    return delivered;
  };
  step((options.warmBars ?? 300) - session.feed.progress.delivered);
  await scalping.flush();
  if (!api.sessionToken) throw new Error('the server created no session token');
  return {
    url, api, session, storage, scalping, token: api.sessionToken, step,
    async close() {
      await scalping.flush();
      await api.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
