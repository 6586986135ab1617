// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages show Simple syntax, which uses ${…}
import type { NamespaceMap } from '../expression.ts';
import type { Operand, Operator, PredicateNode, TemplateNode } from './ast.ts';
import { parseFunction } from './functions.ts';
import { syntaxError, type Token, templatePieces, tokenize } from './lexer.ts';

export interface ParseContext {
  source: string;
  namespaces?: NamespaceMap;
}

export const VALID_OPERATORS =
  'Valid operators: = (or ==), !=, =~ (equals ignoring case), !=~, >, >=, <, <=, contains, not contains, ' +
  "~~ (contains ignoring case), in 'a,b', not in, regex, not regex, range '1..10', not range, starts with, ends with; " +
  'combine conditions with and / or (&& / ||) and parentheses.';

const SYMBOL_OPERATORS: Record<string, [Operator, boolean]> = {
  '=': ['==', false],
  '==': ['==', false],
  '!=': ['==', true],
  '=~': ['=~', false],
  '!=~': ['=~', true],
  '>': ['>', false],
  '>=': ['>=', false],
  '<': ['<', false],
  '<=': ['<=', false],
  '~~': ['containsIgnoreCase', false],
  '!~~': ['containsIgnoreCase', true],
};
const WORD_OPERATORS: Record<string, Operator> = {
  contains: 'contains',
  in: 'in',
  regex: 'regex',
  range: 'range',
  startswith: 'startsWith',
  endswith: 'endsWith',
};
const TWO_WORD_OPERATORS: Record<string, Operator> = { starts: 'startsWith', ends: 'endsWith' };

/** A template: text with `${…}` functions, parsed from `source[from, to)`. */
export function parseTemplate(
  ctx: ParseContext,
  from = 0,
  to = ctx.source.length,
  quoteChar?: string,
): TemplateNode {
  const parts = templatePieces(ctx.source, from, to).map((piece) =>
    typeof piece === 'string'
      ? quoteChar
        ? piece.replaceAll(`\\${quoteChar}`, quoteChar).replaceAll('\\\\', '\\')
        : piece
      : parseFunction(ctx, piece.inner, piece.innerStart),
  );
  return { kind: 'template', parts };
}

/** A condition: comparisons combined with and/or, `and` binding tighter, parentheses allowed. */
export function parsePredicate(ctx: ParseContext): PredicateNode {
  const tokens = tokenize(ctx.source);
  let i = 0;
  const peek = (): Token => tokens[i];
  const fail = (token: Token, what: string, hint: string) => syntaxError(ctx.source, token.start, what, hint);

  const logical = (name: 'and' | 'or'): boolean => {
    const t = peek();
    const symbol = name === 'and' ? '&&' : '||';
    if ((t.type === 'word' && t.text.toLowerCase() === name) || (t.type === 'symbol' && t.text === symbol)) {
      i++;
      return true;
    }
    return false;
  };

  const parseOr = (): PredicateNode => {
    let left = parseAnd();
    while (logical('or')) left = { kind: 'or', left, right: parseAnd() };
    return left;
  };

  const parseAnd = (): PredicateNode => {
    let left = parseTerm();
    while (logical('and')) left = { kind: 'and', left, right: parseTerm() };
    return left;
  };

  const parseTerm = (): PredicateNode => {
    const open = peek();
    if (open.type === '(') {
      i++;
      const inner = parseOr();
      if (peek().type !== ')') {
        throw fail(
          peek(),
          `expected ')' to close the '(' at offset ${open.start}`,
          "Close each '(' with ')'.",
        );
      }
      i++;
      return inner;
    }
    const left = parseOperand(undefined);
    const opToken = peek();
    const op = readOperator();
    if (!op) {
      if (endsCondition(opToken)) return { kind: 'truthy', operand: left };
      throw fail(opToken, `unknown operator '${text(opToken)}'`, VALID_OPERATORS);
    }
    const right = parseOperand(opToken);
    if (!endsCondition(peek())) {
      throw fail(
        peek(),
        `expected 'and', 'or' or the end after the comparison, found '${text(peek())}'`,
        VALID_OPERATORS,
      );
    }
    return { kind: 'compare', op: op[0], negate: op[1], left, right, offset: opToken.start };
  };

  const readOperator = (): [Operator, boolean] | undefined => {
    const t = peek();
    if (t.type === 'symbol') {
      const op = SYMBOL_OPERATORS[t.text] ?? wordOperator(t.text.slice(1), true);
      if (op) i++;
      return op;
    }
    if (t.type !== 'word') return undefined;
    const word = t.text.toLowerCase();
    const negate = word === 'not';
    const at = negate ? i + 1 : i;
    const first = tokens[at];
    if (first.type !== 'word') return undefined;
    const name = first.text.toLowerCase();
    const second = tokens[at + 1];
    if (TWO_WORD_OPERATORS[name] && second.type === 'word' && second.text.toLowerCase() === 'with') {
      i = at + 2;
      return [TWO_WORD_OPERATORS[name], negate];
    }
    const op = wordOperator(name, negate);
    if (op) i = at + 1;
    return op;
  };

  const parseOperand = (after: Token | undefined): Operand => {
    const t = peek();
    const missing = () =>
      fail(
        t,
        after ? `missing operand after '${text(after)}'` : 'missing operand',
        "Compare a value such as ${header.name} with a literal: ${header.name} = 'abc'.",
      );
    if (t.type === 'function') {
      i++;
      return { kind: 'function', fn: parseFunction(ctx, t.inner, t.innerStart) };
    }
    if (t.type === 'string') {
      i++;
      if (!t.value.includes('${')) return { kind: 'literal', value: t.value, offset: t.start };
      const quote = ctx.source[t.start];
      return {
        kind: 'template',
        template: parseTemplate(ctx, t.start + 1, t.end - 1, quote),
        offset: t.start,
      };
    }
    if (t.type === 'number') {
      i++;
      return { kind: 'literal', value: t.value, offset: t.start };
    }
    if (t.type !== 'word' || endsCondition(t) || isOperatorWord(t.text)) throw missing();
    i++;
    const word = t.text.toLowerCase();
    const value = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : t.text;
    return { kind: 'literal', value, offset: t.start };
  };

  if (peek().type === 'eof') {
    throw fail(peek(), 'the condition is empty', "Write a condition such as ${header.name} = 'abc'.");
  }
  const tree = parseOr();
  if (peek().type !== 'eof') {
    const t = peek();
    throw fail(t, t.type === ')' ? "')' has no matching '('" : `unexpected '${text(t)}'`, VALID_OPERATORS);
  }
  return tree;
}

function wordOperator(name: string, negate: boolean): [Operator, boolean] | undefined {
  const op = WORD_OPERATORS[name.toLowerCase()];
  return op ? [op, negate] : undefined;
}

function isOperatorWord(word: string): boolean {
  const w = word.toLowerCase();
  return w in WORD_OPERATORS || w === 'not' || w === 'and' || w === 'or';
}

/** What may follow a complete comparison. */
function endsCondition(t: Token): boolean {
  if (t.type === 'eof' || t.type === ')') return true;
  if (t.type === 'symbol') return t.text === '&&' || t.text === '||';
  return t.type === 'word' && (t.text.toLowerCase() === 'and' || t.text.toLowerCase() === 'or');
}

function text(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of condition';
    case '(':
    case ')':
      return t.type;
    case 'function':
      return `\${${t.inner}}`;
    case 'string':
      return `'${t.value}'`;
    case 'number':
      return String(t.value);
    default:
      return t.text;
  }
}
