/**
 * The server's configuration file (YAML) for `arbiter serve --config <file>`. `${NAME}` in a value
 * is replaced by the environment variable NAME (`${NAME:-default}` gives a default; an unset
 * variable without one is an error naming the key), so secrets stay in the environment. Checked in
 * two stages: the shape (strict: unknown keys are errors naming their path), then the rules that
 * join fields (live trading needs `live.enabled` and credentials; the webhook needs a passphrase
 * long enough to resist guessing…).
 *
 * @example
 * const config = loadServerConfig(readFileSync('arbiter.yaml', 'utf8'), process.env, 'arbiter.yaml');
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { riskConfigSchema } from '../risk/config.js';
import { opportunityConfigSchema } from '../risk/sizing/opportunity.js';

const origin = z.string().regex(/^https?:\/\/[A-Za-z0-9.\-]+(:\d+)?$/, 'an origin such as https://dash.example.com (no path, no *)');

export const serverConfigSchema = z.strictObject({
  /** The account the server trades: `paper` (default; the simulated exchange) or `live`. */
  mode: z.enum(['paper', 'live']).default('paper'),
  server: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    /** Largest request body in bytes. */
    bodyLimitBytes: z.number().int().min(1024).max(10 << 20).default(64 * 1024),
    /** Browser origins allowed to call the API (CORS). Empty: closed. */
    cors: z.strictObject({ origins: z.array(origin).default([]) }).prefault({}),
    rateLimit: z.strictObject({
      /** Requests per window per token (per IP without a token); 0 turns limiting off. */
      max: z.number().int().min(0).default(600),
      windowMs: z.number().int().min(100).default(60_000),
    }).prefault({}),
    /** Print the local dashboard's URL with a session admin token (memory only). */
    sessionToken: z.boolean().default(true),
    /** The dashboard build served at `/`; false serves none. */
    dashboard: z.union([z.string().min(1), z.literal(false)]).default('web/dist'),
  }).prefault({}),
  database: z.strictObject({ url: z.string().min(1).optional() }).prefault({}),
  jobs: z.strictObject({ redisUrl: z.string().min(1).optional() }).prefault({}),
  /** What the paper session replays and trades. */
  paper: z.strictObject({
    strategy: z.string().min(1).default('ema-cross'),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    data: z.array(z.string().min(1)).min(1).default(['BTC_USDT-1h.csv']),
    /** Time steps per second of wall time, or `max`. */
    speed: z.union([z.number().positive().max(1e9), z.literal('max')]).default(10),
    cash: z.number().positive().default(10_000),
    fee: z.number().min(0).max(0.5).default(0.001),
  }).prefault({}),
  risk: riskConfigSchema.optional(),
  /** Thresholds of `POST /api/ai/analyze` and the flash-loan simulation (docs/risk.md). */
  opportunity: opportunityConfigSchema.prefault({}),
  /** When `GET /api/ai/monitor` flags an exit: loss or gain as a fraction of the entry price. */
  monitor: z.strictObject({
    stopLossPct: z.number().positive().max(1).default(0.02),
    takeProfitPct: z.number().positive().max(10).default(0.04),
  }).prefault({}),
  tradingview: z.strictObject({
    /** Shared secret every alert must carry (field `passphrase`/`secret` or header X-Arbiter-Passphrase). Unset: the webhook is off. */
    passphrase: z.string().optional(),
    /** An identical alert within this window is answered from the first one and changes nothing. */
    dedupeWindowMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** Place a paper/live order when the decision says to execute. */
    execute: z.boolean().default(false),
  }).prefault({}),
  live: z.strictObject({
    /** Live trading endpoints refuse unless this is true. */
    enabled: z.boolean().default(false),
    venue: z.string().min(1).optional(),
    credentials: z.record(z.string(), z.string()).default({}),
  }).prefault({}),
  notifications: z.strictObject({
    telegram: z.strictObject({
      botToken: z.string().min(1),
      chatId: z.union([z.string().min(1), z.number().int()]).transform(String),
      /** Telegram Bot API base URL (tests point it at a loopback fake). */
      apiBase: z.string().url().default('https://api.telegram.org'),
      /** Long-poll timeout in seconds. */
      pollTimeoutSec: z.number().int().min(0).max(50).default(25),
    }).optional(),
    webhook: z.strictObject({
      url: z.string().url(),
      /** HMAC-SHA256 key for the X-Arbiter-Signature header. */
      secret: z.string().min(16).optional(),
      events: z.array(z.enum(['fills', 'orders', 'risk', 'decisions', 'tradingview'])).default(['fills', 'risk', 'decisions']),
    }).optional(),
  }).prefault({}),
});

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** Venues with a live execution client in this build (none yet: live trading is refused at start). */
export const liveVenues: readonly string[] = [];

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` / `${NAME:-default}` in every string of a parsed YAML document. */
export function substituteEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path: string[] = []): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/.exec(value);
    const replace = (name: string, fallback: string | undefined): string => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigurationError(`environment variable ${name} is not set (write \${${name}:-default} for a default)`, path.join('.') || undefined);
    };
    if (whole) {
      const text = replace(whole[1]!, whole[2]);
      if (text === '') return undefined;
      // A whole-value reference takes the type the text has in YAML (8080 → number, true → boolean).
      const typed: unknown = parseYaml(text);
      return typeof typed === 'number' || typeof typed === 'boolean' ? typed : text;
    }
    return value.replace(REF, (_m, name: string, fallback: string | undefined) => replace(name, fallback));
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = substituteEnv(v, env, [...path, k]);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return value;
}

/** Stage 1: the shape. */
export function parseServerConfig(input: unknown): ServerConfig {
  const result = serverConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') throw new ConfigurationError(`unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`, [...path, issue.keys[0]!].join('.'));
  throw new ConfigurationError(issue.message, path.join('.') || undefined);
}

/** Stage 2: rules across fields. */
export function checkServerConfig(config: ServerConfig): ServerConfig {
  if (config.mode === 'live') {
    if (!config.live.enabled) throw new ConfigurationError('mode is live but live trading is not enabled; set live.enabled: true', 'live.enabled');
    if (!config.live.venue) throw new ConfigurationError('live trading needs a venue', 'live.venue');
    if (!liveVenues.includes(config.live.venue)) {
      throw new ConfigurationError(`no live execution client for venue "${config.live.venue}" in this build${liveVenues.length ? ` (available: ${liveVenues.join(', ')})` : ': paper trading only'}`, 'live.venue');
    }
    const missing = ['apiKey', 'apiSecret'].filter((k) => !config.live.credentials[k]);
    if (missing.length > 0) throw new ConfigurationError(`live trading needs ${missing.join(' and ')} from the environment, e.g. apiKey: \${ALPACA_API_KEY}`, `live.credentials.${missing[0]}`);
  }
  const passphrase = config.tradingview.passphrase;
  if (passphrase !== undefined && passphrase.length < 12) throw new ConfigurationError('use at least 12 characters', 'tradingview.passphrase');
  if (config.server.rateLimit.max === 0 && !isLoopback(config.server.host)) {
    throw new ConfigurationError('rate limiting may be turned off only on a loopback host', 'server.rateLimit.max');
  }
  return config;
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Reads a YAML configuration: substitution, shape, cross-field rules. */
export function loadServerConfig(text: string, env: Readonly<Record<string, string | undefined>> = process.env, source = 'config'): ServerConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigurationError(`${source} is not valid YAML${where}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (document !== null && document !== undefined && (typeof document !== 'object' || Array.isArray(document))) {
    throw new ConfigurationError(`${source} must be a YAML mapping of keys to values`);
  }
  return checkServerConfig(parseServerConfig(substituteEnv(document ?? {}, env)));
}

/** The values in a config that must never be shown (for log and response scrubbing). */
export function secretsOf(config: ServerConfig): string[] {
  const out: string[] = [];
  if (config.tradingview.passphrase) out.push(config.tradingview.passphrase);
  out.push(...Object.values(config.live.credentials));
  if (config.notifications.telegram) out.push(config.notifications.telegram.botToken);
  if (config.notifications.webhook?.secret) out.push(config.notifications.webhook.secret);
  for (const url of [config.database.url, config.jobs.redisUrl]) {
    if (!url) continue;
    try {
      const password = new URL(url).password;
      if (password) out.push(decodeURIComponent(password));
    } catch {
      // not a URL with a password
    }
  }
  return out.filter((s) => s.length > 0);
}
