/**
 * Structured logging (pino). Secrets never reach a log line: known secret-bearing keys are
 * redacted wherever they appear, and `redactSecrets` scrubs free text.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Key names whose values are always replaced by "[redacted]" in logs. */
export const SECRET_KEYS = [
  'apiKey', 'api_key', 'secret', 'apiSecret', 'api_secret', 'secretKey', 'secret_key', 'password',
  'passphrase', 'token', 'authorization', 'privateKey', 'private_key', 'keyId', 'key_id',
] as const;

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `req.headers.${key}`]);

export interface LoggerOptions {
  readonly level?: string;
  /** Where to write; defaults to stderr so that stdout stays free for JSON results. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.ARBITER_LOG_LEVEL ?? 'info';
  return pino(
    { name, level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { name } },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that discards everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Replaces every occurrence of each secret value in `text` with "[redacted]". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
