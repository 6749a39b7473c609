/**
 * Rules compiled once at config load into plain closures over a values array: evaluating a rule
 * per bar is a few function calls, with no parsing and no allocation. Variables are resolved by
 * name (bar field, indicator, default-set feature; see `../inputs.ts`) at compile time, so an
 * unknown name fails at config load with its column.
 */
import { ConfigurationError, errorMessage } from '../../core/errors.js';
import type { Timeframe } from '../../core/time.js';
import { resolveVariable, type VariableSource } from '../inputs.js';
import { RuleSyntaxError, parseRule, ruleVariables, type RuleNode } from './language.js';

type Num = (values: Float64Array) => number;
type Bool = (values: Float64Array) => boolean;

/** A parsed, type-checked, compiled rule. */
export interface CompiledRule {
  readonly source: string;
  readonly ast: RuleNode;
  /** The variables in order of appearance; `values[i]` holds `variables[i]`. */
  readonly variables: readonly string[];
  /** True when the rule holds for these variable values (comparisons with NaN are false). */
  test(values: Float64Array): boolean;
}

function num(node: RuleNode, slots: ReadonlyMap<string, number>): Num {
  switch (node.kind) {
    case 'number': {
      const v = node.value;
      return () => v;
    }
    case 'var': {
      const i = slots.get(node.name)!;
      return (values) => values[i]!;
    }
    case 'neg': {
      const a = num(node.operand, slots);
      return (values) => -a(values);
    }
    case 'arith': {
      const a = num(node.left, slots);
      const b = num(node.right, slots);
      switch (node.op) {
        case '+': return (v) => a(v) + b(v);
        case '-': return (v) => a(v) - b(v);
        case '*': return (v) => a(v) * b(v);
        case '/': return (v) => a(v) / b(v);
        case '%': return (v) => a(v) % b(v);
      }
      break;
    }
    case 'call': {
      const args = node.args.map((arg) => num(arg, slots));
      if (node.fn === 'abs') {
        const a = args[0]!;
        return (v) => Math.abs(a(v));
      }
      const pick = node.fn === 'min' ? Math.min : Math.max;
      return (v) => {
        let out = args[0]!(v);
        for (let k = 1; k < args.length; k++) out = pick(out, args[k]!(v));
        return out;
      };
    }
    default:
      break;
  }
  throw new Error(`not a number node: ${node.kind}`); // the type checker rules this out
}

function bool(node: RuleNode, slots: ReadonlyMap<string, number>): Bool {
  switch (node.kind) {
    case 'bool': {
      const v = node.value;
      return () => v;
    }
    case 'not': {
      const a = bool(node.operand, slots);
      return (v) => !a(v);
    }
    case 'logic': {
      const a = bool(node.left, slots);
      const b = bool(node.right, slots);
      return node.op === 'and' ? (v) => a(v) && b(v) : (v) => a(v) || b(v);
    }
    case 'compare': {
      const a = num(node.left, slots);
      const b = num(node.right, slots);
      switch (node.op) {
        case '<': return (v) => a(v) < b(v);
        case '<=': return (v) => a(v) <= b(v);
        case '>': return (v) => a(v) > b(v);
        case '>=': return (v) => a(v) >= b(v);
        case '==': return (v) => a(v) === b(v);
        case '!=': return (v) => a(v) !== b(v);
      }
      break;
    }
    default:
      break;
  }
  throw new Error(`not a condition node: ${node.kind}`);
}

/**
 * Parses and compiles a rule without resolving its variables (they are whatever the caller puts
 * in `values`, in the order of `variables`).
 * @throws RuleSyntaxError with the column of the fault.
 */
export function compileRule(source: string, key?: string): CompiledRule {
  const ast = parseRule(source, key);
  const variables = ruleVariables(ast).map((v) => v.name);
  const slots = new Map(variables.map((name, i) => [name, i]));
  const test = bool(ast, slots);
  return { source, ast, variables, test };
}

/** A compiled rule whose variables are resolved against the inputs heads can read. */
export interface ResolvedRule extends CompiledRule {
  readonly sources: readonly VariableSource[];
}

/**
 * Compiles a rule and resolves each variable for a series of `timeframe`.
 * @throws RuleSyntaxError for syntax and type errors, and for an unknown variable (at its column).
 */
export function compileResolvedRule(source: string, timeframe: Timeframe, key?: string): ResolvedRule {
  const compiled = compileRule(source, key);
  const sources: VariableSource[] = [];
  for (const { name, pos } of ruleVariables(compiled.ast)) {
    try {
      sources.push(resolveVariable(name, timeframe));
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      const detail = error.key !== undefined ? error.message.slice(error.key.length + 2) : errorMessage(error);
      throw new RuleSyntaxError(detail, pos, source, key);
    }
  }
  return { ...compiled, sources };
}
