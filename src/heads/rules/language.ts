/**
 * The rule language: `rsi_14 < 30 and close > sma_200`. A hand-written tokenizer and a
 * recursive-descent parser (no `eval`, no `Function`) produce a typed syntax tree; every mistake
 * is a {@link RuleSyntaxError} — a ConfigurationError carrying the column of the fault.
 *
 * Grammar (lowest precedence first; keywords are case-insensitive):
 * ```
 * rule       := or
 * or         := and ( "or" and )*
 * and        := not ( "and" not )*
 * not        := "not" not | comparison
 * comparison := sum ( ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) sum )?
 * sum        := product ( ( "+" | "-" ) product )*
 * product    := unary ( ( "*" | "/" | "%" ) unary )*
 * unary      := "-" unary | primary
 * primary    := NUMBER | "true" | "false" | NAME | FUNCTION "(" rule ( "," rule )* ")" | "(" rule ")"
 * FUNCTION   := "abs" | "min" | "max"
 * NUMBER     := digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ]  |  "." digits …
 * NAME       := letter or "_", then letters, digits, "_"
 * ```
 * Types: `and`, `or`, `not` take booleans; comparisons and arithmetic take numbers; a rule is a
 * boolean. Comparisons do not chain (`a < b < c` is an error: write `a < b and b < c`).
 */
import { ConfigurationError } from '../../core/errors.js';

/** A syntax or type error in a rule, with its position. */
export class RuleSyntaxError extends ConfigurationError {
  /**
   * @param detail what is wrong
   * @param offset 0-based character offset of the fault in the rule text
   * @param key the config key of the rule (e.g. `heads.rules.rules.0.when`)
   */
  constructor(
    readonly detail: string,
    readonly offset: number,
    readonly source: string,
    key?: string,
  ) {
    super(`${detail} at column ${offset + 1} of "${source}"`, key);
  }

  /** 1-based column, as an editor shows it. */
  get column(): number {
    return this.offset + 1;
  }
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type FunctionName = 'abs' | 'min' | 'max';
export const FUNCTIONS: readonly FunctionName[] = ['abs', 'min', 'max'];

/** The syntax tree; `pos` is the 0-based offset of the node's first (or operator) character. */
export type RuleNode =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: number }
  | { readonly kind: 'var'; readonly name: string; readonly pos: number }
  | { readonly kind: 'neg'; readonly operand: RuleNode; readonly pos: number }
  | { readonly kind: 'not'; readonly operand: RuleNode; readonly pos: number }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: RuleNode; readonly right: RuleNode; readonly pos: number }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: RuleNode; readonly right: RuleNode; readonly pos: number }
  | { readonly kind: 'logic'; readonly op: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode; readonly pos: number }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly RuleNode[]; readonly pos: number };

type TokenKind = 'number' | 'name' | 'keyword' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  /** Numbers: the value. */
  readonly value?: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);
const TWO_CHAR_OPS = new Set(['<=', '>=', '==', '!=']);
const ONE_CHAR_OPS = new Set(['<', '>', '+', '-', '*', '/', '%']);
/** Operators from other languages, with what to write instead. */
const FOREIGN: Readonly<Record<string, string>> = { '&&': 'and', '||': 'or', '!': 'not', '=': '==', '<>': '!=', '^': 'no power operator; multiply' };

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

/** Splits a rule into tokens. @throws RuleSyntaxError at the first character that starts no token. */
export function tokenize(source: string, key?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === '.' && i + 1 < n && isDigit(source[i + 1]!))) {
      while (i < n && isDigit(source[i]!)) i++;
      if (source[i] === '.') {
        i++;
        while (i < n && isDigit(source[i]!)) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (j < n && isDigit(source[j]!)) {
          i = j;
          while (i < n && isDigit(source[i]!)) i++;
        } else {
          throw new RuleSyntaxError(`malformed number "${source.slice(start, j)}": an exponent needs digits`, start, source, key);
        }
      }
      if (i < n && (isNameStart(source[i]!) || source[i] === '.')) {
        throw new RuleSyntaxError(`malformed number "${source.slice(start, i + 1)}"`, start, source, key);
      }
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, pos: start, value: Number(text) });
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && (isNameStart(source[i]!) || isDigit(source[i]!))) i++;
      const text = source.slice(start, i);
      tokens.push({ kind: KEYWORDS.has(text.toLowerCase()) ? 'keyword' : 'name', text, pos: start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two, pos: start });
      i += 2;
      continue;
    }
    const foreign = FOREIGN[two] !== undefined ? two : FOREIGN[c] !== undefined ? c : undefined;
    if (foreign !== undefined) throw new RuleSyntaxError(`"${foreign}" is not part of the rule language (${FOREIGN[foreign]!.includes(' ') ? FOREIGN[foreign] : `write "${FOREIGN[foreign]}"`})`, start, source, key);
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: 'op', text: c, pos: start });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, pos: start });
      i++;
      continue;
    }
    throw new RuleSyntaxError(`unexpected character ${JSON.stringify(c)}`, start, source, key);
  }
  tokens.push({ kind: 'end', text: '', pos: n });
  return tokens;
}

type Type = 'number' | 'boolean';

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly key: string | undefined,
  ) {}

  /** The current token (a method, not a getter, so that checks on it are not narrowed across `this.i++`). */
  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private fail(detail: string, pos = this.peek().pos): never {
    throw new RuleSyntaxError(detail, pos, this.source, this.key);
  }

  private describe(t: Token): string {
    return t.kind === 'end' ? 'the end of the rule' : `"${t.text}"`;
  }

  private isKeyword(word: string): boolean {
    return this.peek().kind === 'keyword' && this.peek().text.toLowerCase() === word;
  }

  parseRule(): RuleNode {
    if (this.peek().kind === 'end') this.fail('the rule is empty');
    const node = this.parseOr();
    if (this.peek().kind !== 'end') {
      const t = this.peek();
      if (t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) this.fail(`comparisons do not chain: write "a < b and b < c" instead of "a < b < c" (found ${this.describe(t)})`);
      if (t.kind === 'rparen') this.fail('unmatched ")"');
      this.fail(`unexpected ${this.describe(t)} (expected "and", "or", an operator or the end)`);
    }
    return node;
  }

  private parseOr(): RuleNode {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      const pos = this.peek().pos;
      this.i++;
      left = { kind: 'logic', op: 'or', left, right: this.parseAnd(), pos };
    }
    return left;
  }

  private parseAnd(): RuleNode {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      const pos = this.peek().pos;
      this.i++;
      left = { kind: 'logic', op: 'and', left, right: this.parseNot(), pos };
    }
    return left;
  }

  private parseNot(): RuleNode {
    if (this.isKeyword('not')) {
      const pos = this.peek().pos;
      this.i++;
      return { kind: 'not', operand: this.parseNot(), pos };
    }
    return this.parseComparison();
  }

  private parseComparison(): RuleNode {
    const left = this.parseSum();
    const t = this.peek();
    if (t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) {
      this.i++;
      return { kind: 'compare', op: t.text as CompareOp, left, right: this.parseSum(), pos: t.pos };
    }
    return left;
  }

  private parseSum(): RuleNode {
    let left = this.parseProduct();
    while (this.peek().kind === 'op' && (this.peek().text === '+' || this.peek().text === '-')) {
      const t = this.peek();
      this.i++;
      left = { kind: 'arith', op: t.text as ArithOp, left, right: this.parseProduct(), pos: t.pos };
    }
    return left;
  }

  private parseProduct(): RuleNode {
    let left = this.parseUnary();
    while (this.peek().kind === 'op' && (this.peek().text === '*' || this.peek().text === '/' || this.peek().text === '%')) {
      const t = this.peek();
      this.i++;
      left = { kind: 'arith', op: t.text as ArithOp, left, right: this.parseUnary(), pos: t.pos };
    }
    return left;
  }

  private parseUnary(): RuleNode {
    if (this.peek().kind === 'op' && this.peek().text === '-') {
      const pos = this.peek().pos;
      this.i++;
      return { kind: 'neg', operand: this.parseUnary(), pos };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.i++;
        return { kind: 'number', value: t.value!, pos: t.pos };
      case 'keyword': {
        const word = t.text.toLowerCase();
        if (word === 'true' || word === 'false') {
          this.i++;
          return { kind: 'bool', value: word === 'true', pos: t.pos };
        }
        return this.fail(`unexpected "${t.text}" (expected a number, a name or "(")`);
      }
      case 'name': {
        this.i++;
        if (this.peek().kind !== 'lparen') return { kind: 'var', name: t.text, pos: t.pos };
        const fn = t.text.toLowerCase();
        if (!(FUNCTIONS as readonly string[]).includes(fn)) this.fail(`unknown function "${t.text}" (functions: ${FUNCTIONS.join(', ')})`, t.pos);
        this.i++;
        const args: RuleNode[] = [];
        if (this.peek().kind === 'rparen') this.fail(`${fn}() needs an argument`);
        for (;;) {
          args.push(this.parseOr());
          if (this.peek().kind === 'comma') {
            this.i++;
            continue;
          }
          if (this.peek().kind === 'rparen') break;
          this.fail(`unexpected ${this.describe(this.peek())} in the arguments of ${fn}() (expected "," or ")")`);
        }
        this.i++;
        return { kind: 'call', fn: fn as FunctionName, args, pos: t.pos };
      }
      case 'lparen': {
        this.i++;
        const inner = this.parseOr();
        if (this.peek().kind !== 'rparen') this.fail(`"(" at column ${t.pos + 1} is not closed (found ${this.describe(this.peek())})`);
        this.i++;
        return inner;
      }
      default:
        return this.fail(`unexpected ${this.describe(t)} (expected a number, a name or "(")`);
    }
  }
}

/** Where a node's text starts (its leftmost part), for errors about the whole node. */
function startOf(node: RuleNode): number {
  return node.kind === 'arith' || node.kind === 'compare' || node.kind === 'logic' ? startOf(node.left) : node.pos;
}

/** The type of a node. @throws RuleSyntaxError at the start of the operand that has the wrong type. */
function typeOf(node: RuleNode, source: string, key: string | undefined): Type {
  const expect = (child: RuleNode, want: Type, role: string): void => {
    const got = typeOf(child, source, key);
    if (got !== want) throw new RuleSyntaxError(`${role} must be a ${want === 'number' ? 'number' : 'condition (true/false)'}, found a ${got === 'number' ? 'number' : 'condition'}`, startOf(child), source, key);
  };
  switch (node.kind) {
    case 'number':
    case 'var':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'neg':
      expect(node.operand, 'number', 'the operand of "-"');
      return 'number';
    case 'not':
      expect(node.operand, 'boolean', 'the operand of "not"');
      return 'boolean';
    case 'arith':
      expect(node.left, 'number', `the left side of "${node.op}"`);
      expect(node.right, 'number', `the right side of "${node.op}"`);
      return 'number';
    case 'compare':
      expect(node.left, 'number', `the left side of "${node.op}"`);
      expect(node.right, 'number', `the right side of "${node.op}"`);
      return 'boolean';
    case 'logic':
      expect(node.left, 'boolean', `the left side of "${node.op}"`);
      expect(node.right, 'boolean', `the right side of "${node.op}"`);
      return 'boolean';
    case 'call':
      if (node.fn === 'abs' && node.args.length !== 1) throw new RuleSyntaxError(`abs() takes one argument, got ${node.args.length}`, node.pos, source, key);
      if (node.fn !== 'abs' && node.args.length < 2) throw new RuleSyntaxError(`${node.fn}() takes two or more arguments, got ${node.args.length}`, node.pos, source, key);
      for (const [i, arg] of node.args.entries()) expect(arg, 'number', `argument ${i + 1} of ${node.fn}()`);
      return 'number';
  }
}

/**
 * Parses and type-checks a rule; the result is a condition (boolean).
 * @throws RuleSyntaxError (a ConfigurationError) with the column of the first fault.
 * @example parseRule('rsi_14 < 30 and close > sma_200')
 */
export function parseRule(source: string, key?: string): RuleNode {
  if (typeof source !== 'string') throw new ConfigurationError(`a rule must be text, got ${typeof source}`, key);
  const tokens = tokenize(source, key);
  const node = new Parser(tokens, source, key).parseRule();
  const type = typeOf(node, source, key);
  if (type !== 'boolean') throw new RuleSyntaxError('a rule must be a condition (a comparison, true/false, or conditions joined by and/or), not a number', startOf(node), source, key);
  return node;
}

/** Names of the variables a rule reads, each with the offset of its first use, in order of appearance. */
export function ruleVariables(node: RuleNode): Array<{ readonly name: string; readonly pos: number }> {
  const out = new Map<string, number>();
  const walk = (n: RuleNode): void => {
    switch (n.kind) {
      case 'var':
        if (!out.has(n.name)) out.set(n.name, n.pos);
        return;
      case 'neg':
      case 'not':
        walk(n.operand);
        return;
      case 'arith':
      case 'compare':
      case 'logic':
        walk(n.left);
        walk(n.right);
        return;
      case 'call':
        n.args.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(node);
  // Sort by position so that errors about variables come in reading order.
  return [...out].map(([name, pos]) => ({ name, pos })).sort((a, b) => a.pos - b.pos);
}
