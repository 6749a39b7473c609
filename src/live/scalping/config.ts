/**
 * Scalping service settings (MISSION.md §3) and the two presets. Strict: unknown keys and bad
 * values are ConfigurationErrors naming the key (`scalping.maxDailyLoss`, …).
 */
import { z } from 'zod';
import { ConfigurationError } from '../../core/errors.js';
import { parseOptions } from '../../heads/config.js';
import { consensusConfigSchema } from '../../consensus/config.js';

export const SCALPING_HEADS = ['technical', 'orderflow', 'rules'] as const;

export const scalpingConfigSchema = z.strictObject({
  /** Symbols to scalp (default: every symbol of the run). */
  symbols: z.array(z.string().min(1)).min(1).optional(),
  /** Least time between two looks at a symbol (ms); bars in between only update the heads' inputs. */
  scanIntervalMs: z.number().int().positive(),
  /** Most positions open at once. */
  maxPositions: z.number().int().min(1),
  /** Longest a position is held (ms); then it is closed at market. */
  holdTimeMs: z.number().int().positive(),
  /**
   * Smallest move worth a scalp, in basis points: the distance to the take-profit
   * (`takeProfitAtr` × ATR). A candidate with a smaller target is skipped (fees and the bid-ask
   * spread would eat it); so is one whose quoted bid-ask spread is wider than a quarter of the target.
   */
  minSpreadBps: z.number().min(0),
  /** Loss since 00:00 UTC, as a fraction of that day's starting equity, at which the service closes out and stops entering until the next day. */
  maxDailyLoss: z.number().gt(0).max(1),
  /** Largest position, as a fraction of equity. */
  maxPositionSize: z.number().gt(0).max(1),
  /** Take-profit distance in ATRs. */
  takeProfitAtr: z.number().positive(),
  /** Stop-loss distance in ATRs. */
  stopLossAtr: z.number().positive(),
  /** ATR period (bars) for targets and stops. */
  atrPeriod: z.number().int().min(1).default(14),
  /** Heads that vote. */
  heads: z.array(z.enum(SCALPING_HEADS)).min(1).default(['technical', 'orderflow', 'rules']),
  /** Signal horizon of the heads (bars). */
  horizonBars: z.number().int().min(1).default(3),
  /** Consensus settings. */
  consensus: consensusConfigSchema.optional(),
  /** Open shorts on a short consensus. */
  allowShort: z.boolean().default(false),
  /** Share of full Kelly. */
  kellyFraction: z.number().gt(0).max(1).default(0.25),
});

export type ScalpingConfig = z.output<typeof scalpingConfigSchema>;
export type ScalpingConfigInput = z.input<typeof scalpingConfigSchema>;

export const SCALPING_PRESETS = ['conservative', 'aggressive'] as const;
export type ScalpingPreset = (typeof SCALPING_PRESETS)[number];

/**
 * - conservative: few, small, confirmed trades — a quorum of 2 heads, a higher confidence bar,
 *   at most 2 positions of 5% each, 30 min holds, targets of ≥ 15 bps, 1% daily loss limit;
 * - aggressive: more and larger trades — a weighted vote with a low bar, up to 5 positions of
 *   15% each, 10 min holds, targets of ≥ 5 bps, 3% daily loss limit.
 */
export const scalpingPresets: Readonly<Record<ScalpingPreset, ScalpingConfigInput>> = {
  conservative: {
    scanIntervalMs: 60_000, maxPositions: 2, holdTimeMs: 30 * 60_000, minSpreadBps: 15, maxDailyLoss: 0.01, maxPositionSize: 0.05,
    takeProfitAtr: 1.5, stopLossAtr: 1, consensus: { mode: 'quorum', quorum: 2, minConfidence: 0.55, targetConfidence: 0.7 },
  },
  aggressive: {
    scanIntervalMs: 15_000, maxPositions: 5, holdTimeMs: 10 * 60_000, minSpreadBps: 5, maxDailyLoss: 0.03, maxPositionSize: 0.15,
    takeProfitAtr: 1, stopLossAtr: 0.75, consensus: { mode: 'weighted', minConfidence: 0.5, targetConfidence: 0.6, minScore: 0.1 },
  },
};

/**
 * A preset, a full config, or a preset with overrides.
 * @example scalpingConfig({ preset: 'conservative', maxPositions: 1 })
 */
export function scalpingConfig(input: ScalpingConfigInput | ({ readonly preset: ScalpingPreset } & Partial<ScalpingConfigInput>)): { readonly config: ScalpingConfig; readonly preset: ScalpingPreset | 'custom' } {
  if ('preset' in input) {
    const { preset, ...overrides } = input;
    const base = scalpingPresets[preset];
    if (!base) throw new ConfigurationError(`unknown preset "${String(preset)}"; presets: ${SCALPING_PRESETS.join(', ')}`, 'scalping.preset');
    const merged = { ...base, ...overrides, ...(overrides.consensus ? { consensus: { ...base.consensus, ...overrides.consensus } } : {}) };
    const custom = Object.keys(overrides).length > 0;
    return { config: parseOptions(scalpingConfigSchema, merged, 'scalping'), preset: custom ? 'custom' : preset };
  }
  return { config: parseOptions(scalpingConfigSchema, input, 'scalping'), preset: 'custom' };
}
