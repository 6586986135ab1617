import type { Exchange } from '../../engine/exchange.ts';
import type { Operator } from './ast.ts';
import { toNumber, toText } from './values.ts';

export type Getter = (exchange: Exchange) => unknown;
export type Test = (exchange: Exchange) => boolean;
/** Compares a left value with a right value, or with the right value prepared at compile time. */
type Match = (left: unknown) => boolean;
/** Reports a bad constant right side (a regex, a range) as a syntax error at compile time. */
export type BadLiteral = (what: string, hint: string) => Error;

/**
 * Builds the test for `left OP right`. When the right side is a constant (the usual case, as in
 * `${header.x} = 'a'`), everything derived from it — its number, its regex, its list — is prepared here,
 * so a test is a read of the left value and a comparison.
 */
export function comparison(
  op: Operator,
  negate: boolean,
  left: Getter,
  right: Getter,
  constant: { value: unknown } | undefined,
  bad: BadLiteral,
): Test {
  let test: Test;
  if (constant) {
    const match = prepare(op, constant.value, bad);
    test = (ex) => match(left(ex));
  } else {
    const regexes = new RegexCache();
    test = (ex) => {
      const r = right(ex);
      const match = op === 'regex' ? regexMatch(regexes.get(toText(r))) : prepare(op, r, throwing);
      return match(left(ex));
    };
  }
  return negate ? (ex) => !test(ex) : test;
}

function prepare(op: Operator, right: unknown, bad: BadLiteral): Match {
  const text = toText(right);
  switch (op) {
    case '==':
      return equalsTo(right);
    case '=~': {
      const lower = text.toLowerCase();
      return (l) => (l == null ? right == null : toText(l).toLowerCase() === lower);
    }
    case '>':
      return ordered(right, (c) => c > 0);
    case '>=':
      return ordered(right, (c) => c >= 0);
    case '<':
      return ordered(right, (c) => c < 0);
    case '<=':
      return ordered(right, (c) => c <= 0);
    case 'contains': {
      const equals = equalsTo(right);
      return (l) => (l == null ? false : Array.isArray(l) ? l.some(equals) : toText(l).includes(text));
    }
    case 'containsIgnoreCase': {
      const lower = text.toLowerCase();
      return (l) => l != null && toText(l).toLowerCase().includes(lower);
    }
    case 'in': {
      const members = new Set(text.split(',').map((m) => m.trim()));
      return (l) => l != null && members.has(toText(l).trim());
    }
    case 'regex':
      return regexMatch(javaRegex(text, bad));
    case 'range': {
      const [low, high] = range(text, bad);
      return (l) => {
        const n = toNumber(l);
        return n >= low && n <= high;
      };
    }
    case 'startsWith':
      return (l) => l != null && toText(l).startsWith(text);
    case 'endsWith':
      return (l) => l != null && toText(l).endsWith(text);
  }
}

/** Numbers compare as numbers when both sides are numeric; anything else compares as text. */
function equalsTo(right: unknown): Match {
  if (right === null || right === undefined) return (l) => l === null || l === undefined;
  const rightNumber = toNumber(right);
  const rightText = toText(right);
  if (Number.isNaN(rightNumber)) return (l) => l !== null && l !== undefined && toText(l) === rightText;
  return (l) => {
    if (l === null || l === undefined) return false;
    const n = toNumber(l);
    return Number.isNaN(n) ? toText(l) === rightText : n === rightNumber;
  };
}

function ordered(right: unknown, accept: (order: number) => boolean): Match {
  if (right === null || right === undefined) return () => false;
  const rightNumber = toNumber(right);
  const rightText = toText(right);
  return (l) => {
    if (l === null || l === undefined) return false;
    const n = Number.isNaN(rightNumber) ? Number.NaN : toNumber(l);
    if (!Number.isNaN(n)) return accept(n - rightNumber);
    const t = toText(l);
    return accept(t < rightText ? -1 : t > rightText ? 1 : 0);
  };
}

function regexMatch(regex: RegExp): Match {
  return (l) => l != null && regex.test(toText(l));
}

/**
 * Java's `String.matches`: the whole value must match. Leading inline flags such as (?i) become
 * JavaScript flags, since JavaScript accepts them only in the scoped (?i:…) form.
 */
function javaRegex(pattern: string, bad: BadLiteral): RegExp {
  const flags = /^\(\?([ims]+)\)/.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  try {
    return new RegExp(`^(?:${body})$`, flags ? flags[1] : '');
  } catch (error) {
    throw bad(
      `bad regular expression: ${(error as Error).message}`,
      'Check the regular expression; it must match the whole value, as in Java (for example [A-Z]{2}\\d+).',
    );
  }
}

function range(text: string, bad: BadLiteral): [number, number] {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match)
    throw bad(
      `'${text}' is not a range`,
      "Write a range as 'from..to', for example '1..100' (both ends included).",
    );
  return [Number(match[1]), Number(match[2])];
}

function throwing(what: string): Error {
  return new Error(what);
}

/** The last pattern a dynamic `regex` saw: a header that keeps its value is compiled once, not per message. */
class RegexCache {
  #pattern?: string;
  #regex?: RegExp;
  get(pattern: string): RegExp {
    if (pattern !== this.#pattern || !this.#regex) {
      this.#regex = javaRegex(pattern, throwing);
      this.#pattern = pattern;
    }
    return this.#regex;
  }
}
