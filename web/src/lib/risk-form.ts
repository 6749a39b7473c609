/**
 * The risk thresholds form: which keys it edits (docs/risk.md, "Configuration") and how the
 * edited text becomes the `PATCH /api/v1/risk/config` patch. Pure (tested in risk-form.test.ts).
 *
 * Limits are merged key by key, so only changed limits are sent. A breaker object replaces that
 * breaker's settings, so a changed breaker is sent whole (its untouched fields as they were);
 * `null` turns it off.
 */
import type { RiskConfig } from '../api/types.js';

export type FieldKind = 'fraction' | 'money' | 'int' | 'ms' | 'ratio' | 'action' | 'measure';

export interface FormField {
  readonly key: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly hint?: string;
  /** Empty means 0 rather than off (`minNotional`). */
  readonly zeroWhenEmpty?: boolean;
}

export const limitFields: readonly FormField[] = [
  { key: 'maxPositionFraction', label: 'Max position (fraction of equity)', kind: 'fraction', hint: '0.2 = 20%; empty = off' },
  { key: 'maxGrossExposureFraction', label: 'Max gross exposure (fraction)', kind: 'fraction', hint: '1 = 100% of equity' },
  { key: 'maxOpenPositions', label: 'Max open positions', kind: 'int' },
  { key: 'maxOrderNotional', label: 'Max order value', kind: 'money' },
  { key: 'minNotional', label: 'Min order value', kind: 'money', zeroWhenEmpty: true },
  { key: 'priceBand', label: 'Price band (fraction)', kind: 'fraction', hint: '0.1 = ±10% of the last price' },
  { key: 'orderRate.maxOrders', label: 'Order rate: max orders', kind: 'int' },
  { key: 'orderRate.windowMs', label: 'Order rate: window (ms)', kind: 'ms' },
];

export interface BreakerForm {
  readonly name: 'dailyLoss' | 'consecutiveLosses' | 'volatility' | 'maxDrawdown';
  readonly title: string;
  /** The breaker's name in the read model (`daily-loss`). */
  readonly id: string;
  readonly fields: readonly FormField[];
}

const action: FormField = { key: 'action', label: 'Action when tripped', kind: 'action' };

export const breakerForms: readonly BreakerForm[] = [
  { name: 'dailyLoss', id: 'daily-loss', title: 'Daily loss', fields: [
    { key: 'maxLossFraction', label: 'Max loss (fraction of day start)', kind: 'fraction', hint: '0.03 = 3%' },
    { key: 'maxLoss', label: 'Max loss (amount)', kind: 'money' }, action] },
  { name: 'consecutiveLosses', id: 'consecutive-losses', title: 'Consecutive losses', fields: [
    { key: 'maxLosses', label: 'Losing trades in a row', kind: 'int' },
    { key: 'cooldownMs', label: 'Cooldown (ms)', kind: 'ms', hint: '3600000 = 1 hour' }, action] },
  { name: 'volatility', id: 'volatility', title: 'Volatility', fields: [
    { key: 'measure', label: 'Measure', kind: 'measure' },
    { key: 'period', label: 'Period (bars)', kind: 'int' },
    { key: 'lookback', label: 'Lookback (values)', kind: 'int' },
    { key: 'maxRatio', label: 'Trip at ratio', kind: 'ratio' },
    { key: 'resetRatio', label: 'Reset below ratio', kind: 'ratio' },
    { key: 'minHoldMs', label: 'Min hold (ms)', kind: 'ms' }, action] },
  { name: 'maxDrawdown', id: 'max-drawdown', title: 'Max drawdown (kill switch)', fields: [
    { key: 'maxDrawdownFraction', label: 'Max drawdown (fraction)', kind: 'fraction', hint: '0.2 = 20% below the high' }, action] },
];

/** Text of every field, keyed `limits.<key>` / `breakers.<name>.<key>`, plus `breakers.<name>` = "on"/"". */
export type FormValues = Record<string, string>;

function text(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return x === null || x === undefined ? '' : JSON.stringify(x);
}

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function formValues(config: RiskConfig): FormValues {
  const values: FormValues = {};
  for (const f of limitFields) values[`limits.${f.key}`] = text(get(config.limits, f.key));
  for (const b of breakerForms) {
    const current = config.breakers[b.name];
    values[`breakers.${b.name}`] = current ? 'on' : '';
    for (const f of b.fields) values[`breakers.${b.name}.${f.key}`] = text(current ? current[f.key] : undefined);
  }
  return values;
}

export class FormProblem extends Error {
  override readonly name = 'FormProblem';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function parseValue(field: FormField, raw: string, path: string): number | string | null {
  const s = raw.trim();
  if (field.kind === 'action' || field.kind === 'measure') return s || null;
  if (s === '') return field.zeroWhenEmpty ? 0 : null;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new FormProblem(path, `${field.label}: "${s}" is not a number`);
  if ((field.kind === 'int' || field.kind === 'ms') && !Number.isInteger(n)) throw new FormProblem(path, `${field.label}: must be a whole number`);
  return n;
}

/**
 * The patch for the fields that changed; `undefined` when nothing did.
 * @throws FormProblem naming the field when a value is not a number.
 */
export function buildPatch(initial: FormValues, edited: FormValues, current?: RiskConfig): { limits?: Record<string, unknown>; breakers?: Record<string, unknown> } | undefined {
  const limits: Record<string, unknown> = {};
  let orderRateChanged = false;
  for (const f of limitFields) {
    const path = `limits.${f.key}`;
    if ((edited[path] ?? '') === (initial[path] ?? '')) continue;
    if (f.key.startsWith('orderRate.')) {
      orderRateChanged = true;
      continue;
    }
    limits[f.key] = parseValue(f, edited[path] ?? '', path);
  }
  if (orderRateChanged) {
    const maxOrders = parseValue(limitFields.find((f) => f.key === 'orderRate.maxOrders')!, edited['limits.orderRate.maxOrders'] ?? '', 'limits.orderRate.maxOrders');
    const windowMs = parseValue(limitFields.find((f) => f.key === 'orderRate.windowMs')!, edited['limits.orderRate.windowMs'] ?? '', 'limits.orderRate.windowMs');
    limits.orderRate = maxOrders === null && windowMs === null ? null : { maxOrders, windowMs };
  }
  const breakers: Record<string, unknown> = {};
  for (const b of breakerForms) {
    const onKey = `breakers.${b.name}`;
    const on = (edited[onKey] ?? '') === 'on';
    const changed = (edited[onKey] ?? '') !== (initial[onKey] ?? '') || b.fields.some((f) => (edited[`${onKey}.${f.key}`] ?? '') !== (initial[`${onKey}.${f.key}`] ?? ''));
    if (!changed) continue;
    if (!on) {
      breakers[b.name] = null;
      continue;
    }
    // Settings the form does not show (volatility.timeframe) are kept as they are.
    const settings: Record<string, unknown> = { ...(current?.breakers[b.name] ?? {}) };
    for (const f of b.fields) {
      const path = `${onKey}.${f.key}`;
      const value = parseValue(f, edited[path] ?? '', path);
      // Empty fields are left out so the server applies its defaults (or names what is missing).
      if (value === null) delete settings[f.key];
      else settings[f.key] = value;
    }
    breakers[b.name] = settings;
  }
  const patch: { limits?: Record<string, unknown>; breakers?: Record<string, unknown> } = {};
  if (Object.keys(limits).length > 0) patch.limits = limits;
  if (Object.keys(breakers).length > 0) patch.breakers = breakers;
  return patch.limits || patch.breakers ? patch : undefined;
}
