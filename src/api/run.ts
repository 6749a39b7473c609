/**
 * Serving a session from the command line: what `arbiter serve` and `arbiter start` share —
 * open storage, build the app, listen, print the URL with the dashboard's session token, and run
 * until Ctrl-C (or SIGTERM), then close everything in order.
 */
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Storage } from '../storage/port.js';
import { createNotifications } from './notify.js';
import { createApiApp, type ApiApp } from './app.js';
import type { ServerConfig } from './config.js';
import type { TradingSession } from './session.js';

export interface ServeOptions {
  readonly config: ServerConfig;
  readonly session: TradingSession;
  readonly storage: Storage;
  readonly logger: Logger;
  /** Where the URL and notices go (stdout). */
  readonly out: (line: string) => void;
}

export interface Serving {
  readonly api: ApiApp;
  readonly url: string;
  /** The URL to open: with the session token in its fragment when there is one. */
  readonly dashboardUrl: string;
}

/** Builds the app around a session and starts listening (the session is started too). */
export async function serve(options: ServeOptions): Promise<Serving> {
  const { config, session, storage, logger } = options;
  const api = await createApiApp({
    config, session, storage, logger,
    notifications: (ctx) => createNotifications(ctx, logger),
  });
  let url: string;
  try {
    url = await api.listen();
  } catch (error) {
    await api.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigurationError(`port ${config.server.port} on ${config.server.host} is in use; choose another with --port`, '--port');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigurationError(`cannot listen on ${config.server.host}`, '--host');
    throw error;
  }
  await session.start();
  const dashboardUrl = api.sessionToken ? `${url}/#token=${api.sessionToken}` : `${url}/`;
  return { api, url, dashboardUrl };
}

/** Resolves on the first SIGINT or SIGTERM (a second SIGINT exits at once). */
export function untilSignal(onFirst?: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (seen) {
        if (signal === 'SIGINT') process.exit(130);
        return;
      }
      seen = true;
      onFirst?.();
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
