/** What the routes read and steer: the session, storage, tokens, jobs, counters, the stream. */
import type { Logger } from '../core/logger.js';
import type { Storage } from '../storage/port.js';
import type { TokenStore } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import type { JobQueue } from './jobs/types.js';
import type { ApiMetrics } from './metrics.js';
import type { AlertDecider } from './routes/tradingview.js';
import type { TradingSession } from './session.js';
import type { WsHub } from './ws.js';

/** Outgoing notifications (Telegram, webhook) as the API sees them. */
export interface Notifier {
  readonly telegram: boolean;
  readonly webhook: boolean;
}

/**
 * The decision core (heads, consensus) as the API uses it: by default the session's scalping
 * service (`sessionDecisionCore`, src/api/tradingview/decide.ts, wired by createApiApp); absent when
 * the session runs none.
 */
export interface DecisionCoreBinding {
  /** Heads + consensus + risk for a TradingView alert. */
  readonly decideAlert?: AlertDecider;
  /** One line for the system status. */
  readonly detail: string;
}

export interface ApiContext {
  readonly config: ServerConfig;
  readonly session: TradingSession | undefined;
  readonly storage: Storage | undefined;
  readonly tokens: TokenStore;
  readonly jobs: JobQueue;
  readonly metrics: ApiMetrics;
  readonly hub: WsHub;
  readonly logger: Logger;
  readonly startedAt: number;
  readonly notifier: Notifier;
  readonly decisionCore?: DecisionCoreBinding;
  /** Values never to appear in a response or a log line (passphrases, credentials, tokens). */
  readonly secrets: readonly string[];
}
