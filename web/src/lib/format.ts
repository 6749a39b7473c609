/** Display formats. Times are UTC everywhere (ARCHITECTURE §13): a trading log in local time lies. */

const dash = '—';

export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** 12,345.67 (two decimals; large values keep their digits). */
export function money(x: unknown, digits = 2): string {
  if (!isNum(x)) return dash;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A price with enough significant digits for both BTC (60,123.4) and a small coin (0.0001234). */
export function price(x: unknown): string {
  if (!isNum(x)) return dash;
  const abs = Math.abs(x);
  if (abs >= 1000) return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (abs >= 1) return x.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (abs === 0) return '0';
  return x.toPrecision(4);
}

export function quantity(x: unknown): string {
  if (!isNum(x)) return dash;
  return Number(x.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 8 });
}

/** A fraction as a percentage: 0.1234 → "12.34%". */
export function pct(x: unknown, digits = 2): string {
  if (!isNum(x)) return dash;
  return `${(x * 100).toFixed(digits)}%`;
}

/** A signed amount with its sign always shown. */
export function signed(x: unknown, digits = 2): string {
  if (!isNum(x)) return dash;
  return `${x > 0 ? '+' : ''}${money(x, digits)}`;
}

/** "2024-01-02 03:04:05 UTC" style, without the zone (the header says times are UTC). */
export function utc(ms: unknown): string {
  if (!isNum(ms)) return dash;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

/** Milliseconds as "850 µs", "12.3 ms", "4.2 s", "3 m 5 s". */
export function duration(ms: unknown): string {
  if (!isNum(ms)) return dash;
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
}

/** "3 s ago" relative to `now`. */
export function ago(ms: unknown, now = Date.now()): string {
  if (!isNum(ms)) return dash;
  const d = now - ms;
  if (d < 0) return 'just now';
  return `${duration(d)} ago`;
}

export function count(x: unknown): string {
  if (!isNum(x)) return dash;
  return Math.round(x).toLocaleString('en-US');
}

/** Direction −1…1 as a word. */
export function directionWord(direction: unknown): 'long' | 'short' | 'flat' {
  if (!isNum(direction) || direction === 0) return 'flat';
  return direction > 0 ? 'long' : 'short';
}

/** Class name for a value's sign: "up", "down" or "". */
export function tone(x: unknown): string {
  if (!isNum(x) || x === 0) return '';
  return x > 0 ? 'up' : 'down';
}

/** Badge colour of a lifecycle, job or trading state. */
export function stateTone(state: string): 'good' | 'warn' | 'bad' | 'muted' {
  if (['running', 'ready', 'ok', 'open', 'armed', 'completed', 'ACTIVE'].includes(state)) return 'good';
  if (['degraded', 'tripped', 'REDUCING', 'queued', 'connecting', 'stale'].includes(state)) return 'warn';
  if (['faulted', 'failed', 'HALTED', 'error', 'closed'].includes(state)) return 'bad';
  return 'muted';
}
