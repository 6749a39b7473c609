/** Number, time and duration formatting for terminal output (never for JSON, which stays raw). */

const DAY = 86_400_000;

/** 0.1234 → `12.34%`; null → `—`. */
export function pct(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** A ratio or count with fixed decimals; null → `—`. */
export function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** Money with thousands separators: 12345.678 → `12,345.68`. */
export function money(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const sign = x < 0 ? '-' : '';
  const [int, frac] = Math.abs(x).toFixed(digits).split('.');
  return `${sign}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** A price or quantity with enough significant digits for any asset (BTC at 1e5, SHIB at 1e-5). */
export function price(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 1000) return x.toFixed(2);
  if (abs >= 1) return x.toFixed(4);
  return x.toPrecision(5);
}

/** UTC time: `2024-01-31 12:00` (seconds only when present); a date alone for midnight. */
export function utc(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith(':00.000Z') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A duration: `3d 4h`, `5h 20m`, `45m`, `30s`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= DAY) {
    const d = Math.floor(ms / DAY);
    const h = Math.round((ms - d * DAY) / 3_600_000);
    return h > 0 ? `${d}d ${h}h` : `${d}d`;
  }
  if (ms >= 3_600_000) {
    const h = Math.floor(ms / 3_600_000);
    const m = Math.round((ms - h * 3_600_000) / 60_000);
    return m > 0 ? `${h}h ${m}m` : `${h}h`;
  }
  if (ms >= 60_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 1000)}s`;
}
