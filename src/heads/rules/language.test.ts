import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { compileRule } from './compile.js';
import { RuleSyntaxError, parseRule, tokenize, type RuleNode } from './language.js';

/** The column a rule is rejected at (or undefined when it parses). */
function rejectedAt(rule: string): { column: number; message: string } | undefined {
  try {
    parseRule(rule, 'rules.0.when');
    return undefined;
  } catch (error) {
    if (!(error instanceof RuleSyntaxError)) throw error;
    return { column: error.column, message: error.message };
  }
}

describe('rule parser errors carry positions', () => {
  it.each([
    ['rsi_14 < 30 and', 16, 'the end of the rule'],
    ['rsi_14 < 30 and close > ', 25, 'the end of the rule'],
    ['rsi_14 $ 30', 8, 'unexpected character "$"'],
    ['(rsi_14 < 30', 13, '"(" at column 1 is not closed'],
    ['rsi_14 < 30)', 12, 'unmatched ")"'],
    ['rsi_14 = 30', 8, 'write "=="'],
    ['rsi_14 < 30 && close > 1', 13, 'write "and"'],
    ['a < b < c', 7, 'comparisons do not chain'],
    ['rsi_14 + 1', 1, 'must be a condition'],
    ['close and volume > 1', 1, 'the left side of "and" must be a condition'],
    ['not close', 5, 'the operand of "not" must be a condition'],
    ['(a < b) + 1 > 2', 2, 'the left side of "+" must be a number'],
    ['foo(close) > 1', 1, 'unknown function "foo"'],
    ['abs(a, b) > 1', 1, 'abs() takes one argument'],
    ['max(a) > 1', 1, 'max() takes two or more arguments'],
    ['1.2.3 > a', 1, 'malformed number'],
    ['1e > a', 1, 'an exponent needs digits'],
    ['', 1, 'the rule is empty'],
    ['a > 1 or', 9, 'the end of the rule'],
  ])('%j is rejected at column %i', (rule, column, fragment) => {
    const error = rejectedAt(rule);
    expect(error, rule).toBeDefined();
    expect(error!.column).toBe(column);
    expect(error!.message).toContain(fragment);
    expect(error!.message).toContain(`at column ${column}`);
    expect(error!.message.startsWith('rules.0.when: ')).toBe(true);
  });

  it('is a ConfigurationError naming the rule key', () => {
    expect(() => parseRule('rsi_14 <', 'heads.rules.rules.2.when')).toThrow(ConfigurationError);
    try {
      parseRule('rsi_14 <', 'heads.rules.rules.2.when');
    } catch (error) {
      expect((error as ConfigurationError).key).toBe('heads.rules.rules.2.when');
    }
  });
});

describe('rule semantics', () => {
  const run = (rule: string, vars: Record<string, number>): boolean => {
    const compiled = compileRule(rule);
    return compiled.test(Float64Array.from(compiled.variables.map((v) => vars[v]!)));
  };

  it('evaluates rsi_14 < 30 and close > sma_200', () => {
    expect(run('rsi_14 < 30 and close > sma_200', { rsi_14: 25, close: 101, sma_200: 100 })).toBe(true);
    expect(run('rsi_14 < 30 and close > sma_200', { rsi_14: 35, close: 101, sma_200: 100 })).toBe(false);
    expect(run('rsi_14 < 30 and close > sma_200', { rsi_14: 25, close: 99, sma_200: 100 })).toBe(false);
  });

  it('binds and tighter than or, and not tighter than and', () => {
    expect(run('a > 0 or b > 0 and c > 0', { a: 1, b: 0, c: 0 })).toBe(true);
    expect(run('(a > 0 or b > 0) and c > 0', { a: 1, b: 0, c: 0 })).toBe(false);
    expect(run('not a > 0 and b > 0', { a: 0, b: 1 })).toBe(true);
  });

  it('does arithmetic with the usual precedence and unary minus', () => {
    expect(run('a + b * c == 7', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(run('(a + b) * c == 9', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(run('-a * -b == 6', { a: 2, b: 3 })).toBe(true);
    expect(run('a - b - c == -4', { a: 1, b: 2, c: 3 })).toBe(true);
    expect(run('a / b / c == 1', { a: 12, b: 3, c: 4 })).toBe(true);
    expect(run('abs(a - b) >= 2 and max(a, b, 10) == 10 and min(a, b) == 1', { a: 1, b: 3 })).toBe(true);
  });

  it('accepts keywords in any case, numbers with exponents, and true/false', () => {
    expect(run('A > 1E-3 AND NOT false', { A: 0.01 })).toBe(true);
    expect(run('true or a > 1', { a: 0 })).toBe(true);
  });

  it('treats a comparison with NaN as false', () => {
    expect(run('a < 1', { a: Number.NaN })).toBe(false);
    expect(run('a >= 1', { a: Number.NaN })).toBe(false);
  });
});

// ---- property tests: random valid rules evaluate like a reference evaluator -------------------

const VARS = ['a', 'b', 'close', 'rsi_14'] as const;
type NumExpr = { k: 'num'; v: number } | { k: 'var'; name: string } | { k: 'neg'; e: NumExpr } | { k: 'bin'; op: '+' | '-' | '*' | '/' | '%'; l: NumExpr; r: NumExpr } | { k: 'call'; fn: 'abs' | 'min' | 'max'; args: NumExpr[] };
type BoolExpr = { k: 'bool'; v: boolean } | { k: 'cmp'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; l: NumExpr; r: NumExpr } | { k: 'not'; e: BoolExpr } | { k: 'logic'; op: 'and' | 'or'; l: BoolExpr; r: BoolExpr };

const numExpr: fc.Memo<NumExpr> = fc.memo((depth): fc.Arbitrary<NumExpr> =>
  depth <= 1
    ? fc.oneof(fc.record({ k: fc.constant('num' as const), v: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })) }), fc.record({ k: fc.constant('var' as const), name: fc.constantFrom(...VARS) }))
    : fc.oneof(
      fc.record({ k: fc.constant('num' as const), v: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ k: fc.constant('var' as const), name: fc.constantFrom(...VARS) }),
      fc.record({ k: fc.constant('neg' as const), e: numExpr(depth - 1) }),
      fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('+', '-', '*', '/', '%'), l: numExpr(depth - 1), r: numExpr(depth - 1) }),
      fc.record({ k: fc.constant('call' as const), fn: fc.constant('abs' as const), args: fc.tuple(numExpr(depth - 1)).map((t) => [...t]) }),
      fc.record({ k: fc.constant('call' as const), fn: fc.constantFrom('min' as const, 'max' as const), args: fc.array(numExpr(depth - 1), { minLength: 2, maxLength: 3 }) }),
    ),
);

const boolExpr: fc.Memo<BoolExpr> = fc.memo((depth): fc.Arbitrary<BoolExpr> =>
  depth <= 1
    ? fc.oneof(fc.record({ k: fc.constant('cmp' as const), op: fc.constantFrom('<', '<=', '>', '>=', '==', '!='), l: numExpr(2), r: numExpr(2) }), fc.record({ k: fc.constant('bool' as const), v: fc.boolean() }))
    : fc.oneof(
      fc.record({ k: fc.constant('cmp' as const), op: fc.constantFrom('<', '<=', '>', '>=', '==', '!='), l: numExpr(3), r: numExpr(3) }),
      fc.record({ k: fc.constant('not' as const), e: boolExpr(depth - 1) }),
      fc.record({ k: fc.constant('logic' as const), op: fc.constantFrom('and', 'or'), l: boolExpr(depth - 1), r: boolExpr(depth - 1) }),
    ),
);

/** Prints with full parentheses, so the text means exactly the tree. */
function printNum(e: NumExpr): string {
  switch (e.k) {
    case 'num': return String(e.v);
    case 'var': return e.name;
    case 'neg': return `(-${printNum(e.e)})`;
    case 'bin': return `(${printNum(e.l)} ${e.op} ${printNum(e.r)})`;
    case 'call': return `${e.fn}(${e.args.map(printNum).join(', ')})`;
  }
}
function printBool(e: BoolExpr): string {
  switch (e.k) {
    case 'bool': return e.v ? 'true' : 'false';
    case 'cmp': return `(${printNum(e.l)} ${e.op} ${printNum(e.r)})`;
    case 'not': return `(not ${printBool(e.e)})`;
    case 'logic': return `(${printBool(e.l)} ${e.op} ${printBool(e.r)})`;
  }
}

/** The reference evaluator: straight from the tree, no parser involved. */
function refNum(e: NumExpr, env: Record<string, number>): number {
  switch (e.k) {
    case 'num': return e.v;
    case 'var': return env[e.name]!;
    case 'neg': return -refNum(e.e, env);
    case 'bin': {
      const l = refNum(e.l, env);
      const r = refNum(e.r, env);
      return e.op === '+' ? l + r : e.op === '-' ? l - r : e.op === '*' ? l * r : e.op === '/' ? l / r : l % r;
    }
    case 'call': {
      const xs = e.args.map((a) => refNum(a, env));
      return e.fn === 'abs' ? Math.abs(xs[0]!) : e.fn === 'min' ? Math.min(...xs) : Math.max(...xs);
    }
  }
}
function refBool(e: BoolExpr, env: Record<string, number>): boolean {
  switch (e.k) {
    case 'bool': return e.v;
    case 'not': return !refBool(e.e, env);
    case 'logic': return e.op === 'and' ? refBool(e.l, env) && refBool(e.r, env) : refBool(e.l, env) || refBool(e.r, env);
    case 'cmp': {
      const l = refNum(e.l, env);
      const r = refNum(e.r, env);
      switch (e.op) {
        case '<': return l < r;
        case '<=': return l <= r;
        case '>': return l > r;
        case '>=': return l >= r;
        case '==': return l === r;
        case '!=': return l !== r;
      }
    }
  }
}

const env = fc.record({ a: fc.double({ min: -1e3, max: 1e3, noNaN: true }), b: fc.integer({ min: -5, max: 5 }), close: fc.double({ min: 0, max: 1e5, noNaN: true }), rsi_14: fc.double({ min: 0, max: 100, noNaN: true }) });

describe('rule parser properties', () => {
  it('a random valid rule evaluates like the reference evaluator', () => {
    fc.assert(
      fc.property(boolExpr(4), env, (tree, values) => {
        const compiled = compileRule(printBool(tree));
        const got = compiled.test(Float64Array.from(compiled.variables.map((v) => values[v as keyof typeof values])));
        expect(got).toBe(refBool(tree, values));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('a rule printed without redundant spaces parses to the same meaning', () => {
    fc.assert(
      fc.property(boolExpr(3), env, (tree, values) => {
        const text = printBool(tree).replace(/ ([-+*/%<>=!]=?) /g, '$1').replace(/, /g, ',');
        const compiled = compileRule(text);
        expect(compiled.test(Float64Array.from(compiled.variables.map((v) => values[v as keyof typeof values])))).toBe(refBool(tree, values));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('garbage never throws anything but a positioned ConfigurationError', () => {
    const alphabet = fc.constantFrom(...'abc_14 ()<>=!+-*/%,.eE&|^$#"\'andornottruefalseabsminmax\t'.split(''), ' and ', ' or ', ' not ', 'rsi_14', '30', '<=', '==');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')), (text) => {
        try {
          parseRule(text, 'rule');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigurationError);
          expect(error).toBeInstanceOf(RuleSyntaxError);
          const e = error as RuleSyntaxError;
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeLessThanOrEqual(text.length + 1);
          expect(e.message).toContain(`at column ${e.column}`);
        }
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('any string at all is either a rule or a positioned ConfigurationError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseRule(text);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleSyntaxError);
          expect((error as RuleSyntaxError).offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('tokens cover the text in order', () => {
    const tokens = tokenize('rsi_14 < 30 and (close >= sma_200 * 1.01)');
    expect(tokens.map((t) => t.text)).toEqual(['rsi_14', '<', '30', 'and', '(', 'close', '>=', 'sma_200', '*', '1.01', ')', '']);
    const ast: RuleNode = parseRule('a < 1');
    expect(ast.kind).toBe('compare');
  });
});
