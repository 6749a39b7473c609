/** Strategy parameters typed into the backtest form → the request's `params`. Pure (tested). */
import type { StrategyParam } from '../api/types.js';

/** Text typed per parameter name; empty means "use the strategy's default". */
export type ParamText = Record<string, string>;

/**
 * Converts typed text by each parameter's declared type (`number`, `integer`, `boolean`, else
 * text). Unknown names are ignored; the server validates ranges and answers 400 naming the field.
 * @throws Error naming the parameter when its text does not fit its type.
 */
export function paramValues(params: readonly StrategyParam[], text: ParamText): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const p of params) {
    const raw = (text[p.name] ?? '').trim();
    if (raw === '') continue;
    const type = p.type.toLowerCase();
    if (type.includes('bool')) {
      if (raw !== 'true' && raw !== 'false') throw new Error(`${p.name}: write true or false`);
      out[p.name] = raw === 'true';
    } else if (type.includes('int') || type.includes('number') || type.includes('float')) {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${p.name}: "${raw}" is not a number`);
      if (type.includes('int') && !Number.isInteger(n)) throw new Error(`${p.name}: must be a whole number`);
      out[p.name] = n;
    } else {
      out[p.name] = raw;
    }
  }
  return out;
}
