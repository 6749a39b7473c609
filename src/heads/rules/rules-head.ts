/**
 * The rule-based head: the user's own rules, e.g.
 * ```yaml
 * rules:
 *   - { name: oversold-uptrend, when: "rsi_14 < 30 and close > sma_200", direction: long, confidence: 0.75 }
 *   - { name: overbought-downtrend, when: "rsi_14 > 70 and close < sma_200", direction: short }
 * ```
 * Every rule is parsed, type-checked and its variables resolved when the head is built; a rule
 * that does not parse is rejected there with its column. At each bar the head evaluates the rules
 * whose variables all have values (a rule over an indicator still warming up stays silent — it
 * is neither true nor false). The rules that hold vote: if they all point one way the head gives
 * that direction with the highest confidence among them; if they disagree it abstains.
 */
import { z } from 'zod';
import type { Timeframe } from '../../core/time.js';
import type { FeatureDefinition } from '../../features/types.js';
import { horizonOf, parseOptions } from '../config.js';
import { roundInput, type HeadContext, type IndicatorSpec, type Signal, type SignalHead, type SignalInput } from '../signal.js';
import { compileResolvedRule, compileRule, type ResolvedRule } from './compile.js';
import { RuleSyntaxError } from './language.js';

/** One rule: a condition and what it means when it holds. */
export const ruleSchema = z.strictObject({
  /** Shown in reasons and votes; default `rule <n>`. */
  name: z.string().min(1).optional(),
  /** The condition, in the rule language (docs/decision-core.md#rule-language). */
  when: z.string(),
  /** `long`, `short`, or a number in [−1, 1]. */
  direction: z.union([z.enum(['long', 'short']), z.number().min(-1).max(1)]),
  /** The head's confidence when this rule holds. */
  confidence: z.number().min(0).max(1).default(0.7),
});

/** A rule list whose conditions are checked for syntax and types as part of the schema (errors carry the column). */
export const rulesSchema = z.array(ruleSchema).min(1, 'give at least one rule').superRefine((rules, ctx) => {
  for (const [i, rule] of rules.entries()) {
    try {
      compileRule(rule.when);
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', message: `${error.detail} at column ${error.column} of "${rule.when}"`, path: [i, 'when'] });
    }
  }
});

export const rulesHeadSchema = z.strictObject({
  /** Head id (unique in an ensemble). */
  id: z.string().default('rules'),
  /** Timeframe of the bars (names of multi-timeframe features depend on it). */
  timeframe: z.string(),
  rules: rulesSchema,
  /** The signal's horizon in bars. */
  horizonBars: z.number().int().min(1).default(4),
});

export type RuleConfig = z.input<typeof ruleSchema>;
export type RulesHeadOptions = z.input<typeof rulesHeadSchema>;

interface Compiled {
  readonly name: string;
  readonly rule: ResolvedRule;
  readonly direction: number;
  readonly confidence: number;
  /** Per variable: how to read it. */
  readonly readers: ReadonlyArray<(ctx: HeadContext) => number>;
  readonly values: Float64Array;
}

/**
 * @throws ConfigurationError keyed `heads.rules.rules.<i>.when` with the column of a syntax error
 *   or an unknown variable.
 * @example
 * rulesHead({ timeframe: '1h', rules: [{ when: 'rsi_14 < 30 and close > sma_200', direction: 'long' }] });
 */
export function rulesHead(options: RulesHeadOptions): SignalHead {
  const o = parseOptions(rulesHeadSchema, options, 'heads.rules');
  const timeframe: Timeframe = o.timeframe;
  const indicators: Record<string, IndicatorSpec> = {};
  const features: Record<string, FeatureDefinition> = {};
  const compiled: Compiled[] = o.rules.map((r, i) => {
    const rule = compileResolvedRule(r.when, timeframe, `heads.rules.rules.${i}.when`);
    const readers = rule.sources.map((source, k): ((ctx: HeadContext) => number) => {
      const name = rule.variables[k]!;
      switch (source.kind) {
        case 'bar': {
          const field = source.field;
          return (ctx) => ctx.bar[field];
        }
        case 'indicator':
          indicators[name] = source.spec;
          return (ctx) => ctx.indicator(name);
        case 'feature':
          features[name] = source.definition;
          return (ctx) => ctx.feature(name);
      }
    });
    const direction = r.direction === 'long' ? 1 : r.direction === 'short' ? -1 : r.direction;
    return { name: r.name ?? `rule ${i + 1}`, rule, direction, confidence: r.confidence, readers, values: new Float64Array(readers.length) };
  });
  return {
    id: o.id,
    kind: 'rules',
    description: o.rules.map((r, i) => `${r.name ?? `rule ${i + 1}`}: ${r.when} → ${String(r.direction)}`).join('; '),
    requires: { indicators, features },
    evaluate(ctx: HeadContext): Signal | undefined {
      const fired: Compiled[] = [];
      for (const c of compiled) {
        let ready = true;
        for (let k = 0; k < c.readers.length; k++) {
          const v = c.readers[k]!(ctx);
          c.values[k] = v;
          if (!Number.isFinite(v)) ready = false;
        }
        if (ready && c.rule.test(c.values)) fired.push(c);
      }
      const voting = fired.filter((c) => c.direction !== 0);
      if (fired.length === 0) return undefined;
      const sides = new Set(voting.map((c) => Math.sign(c.direction)));
      if (sides.size > 1) return undefined; // the user's rules contradict each other here: no opinion
      const best = fired.reduce((a, b) => (b.confidence > a.confidence ? b : a));
      const direction = voting.length === 0 ? 0 : voting.reduce((a, b) => (Math.abs(b.direction) > Math.abs(a.direction) ? b : a)).direction;
      const inputs: Record<string, SignalInput> = { rules: fired.map((c) => c.name).join(', ') };
      for (const c of fired) c.rule.variables.forEach((name, k) => (inputs[name] = roundInput(c.values[k]!)));
      return {
        direction,
        confidence: best.confidence,
        horizonMs: horizonOf(o.horizonBars, ctx.timeframe),
        reason: fired.map((c) => `${c.name} (${c.rule.source}) holds: ${c.rule.variables.map((name, k) => `${name} = ${formatValue(c.values[k]!)}`).join(', ')}`).join('; '),
        inputs,
      };
    },
  };
}

function formatValue(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 0.01 || a >= 1e6) ? x.toExponential(3) : String(Math.round(x * 10_000) / 10_000);
}
