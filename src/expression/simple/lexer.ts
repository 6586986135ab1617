// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages show Simple syntax, which uses ${…}
import { ExpressionSyntaxError } from '../errors.ts';

/**
 * Lexing for Simple. Two modes, as in Camel: a template is free text with `${…}` functions in it; a
 * predicate is a sequence of tokens (functions, literals, operators, parentheses).
 */

export type Token =
  | { type: 'function'; start: number; end: number; inner: string; innerStart: number }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'number'; start: number; end: number; value: number }
  | { type: 'word'; start: number; end: number; text: string }
  | { type: 'symbol'; start: number; end: number; text: string }
  | { type: '(' | ')' | 'eof'; start: number; end: number };

export type TemplatePiece = string | { inner: string; innerStart: number; start: number };

export function syntaxError(
  source: string,
  offset: number,
  what: string,
  hint: string,
): ExpressionSyntaxError {
  return new ExpressionSyntaxError('simple', source, offset, what, hint);
}

/** The index just past the `}` closing the function that starts with `${` at `start` (the first `}`, as in Camel). */
export function functionEnd(source: string, start: number): number {
  let i = start + 2;
  while (i < source.length) {
    const c = source[i];
    if (c === '}') return i + 1;
    if (c === '$' && source[i + 1] === '{') {
      throw syntaxError(
        source,
        i,
        'a function cannot contain another ${…}',
        'Functions cannot be nested: set the inner value into a property first (Content Modifier), then use ${property.name}.',
      );
    }
    i++;
  }
  throw syntaxError(
    source,
    start,
    "'${' is not closed",
    "Close the function with '}', as in ${header.name}.",
  );
}

/** Splits text into literal pieces and `${…}` functions. */
export function templatePieces(source: string, from = 0, to = source.length): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let i = from;
  while (i < to) {
    const open = source.indexOf('${', i);
    if (open < 0 || open >= to) {
      pieces.push(source.slice(i, to));
      break;
    }
    if (open > i) pieces.push(source.slice(i, open));
    const end = functionEnd(source, open);
    if (end > to)
      throw syntaxError(source, open, "'${' is not closed", "Close the function with '}' inside the quotes.");
    pieces.push({ inner: source.slice(open + 2, end - 1), innerStart: open + 2, start: open });
    i = end;
  }
  return pieces;
}

/** The tokens of a predicate, ending with an `eof` token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '$' && source[i + 1] === '{') {
      const end = functionEnd(source, i);
      tokens.push({
        type: 'function',
        start: i,
        end,
        inner: source.slice(i + 2, end - 1),
        innerStart: i + 2,
      });
      i = end;
    } else if (c === "'" || c === '"') {
      i = quoted(source, i, tokens);
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, start: i, end: i + 1 });
      i++;
    } else if (c === '!' && /[A-Za-z]/.test(source[i + 1] ?? '')) {
      const end = wordEnd(source, i + 1);
      tokens.push({ type: 'symbol', start: i, end, text: source.slice(i, end) });
      i = end;
    } else if ('=!<>&|~'.includes(c)) {
      const text = symbolRun(source, i);
      tokens.push({ type: 'symbol', start: i, end: i + text.length, text });
      i += text.length;
    } else {
      const end = wordEnd(source, i);
      const text = source.slice(i, end);
      if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text))
        tokens.push({ type: 'number', start: i, end, value: Number(text) });
      else tokens.push({ type: 'word', start: i, end, text });
      i = end;
    }
  }
  tokens.push({ type: 'eof', start: source.length, end: source.length });
  return tokens;
}

/** A quoted literal; a backslash escapes the quote character or another backslash. */
function quoted(source: string, start: number, tokens: Token[]): number {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\' && (source[i + 1] === quote || source[i + 1] === '\\')) {
      value += source[i + 1];
      i += 2;
    } else if (c === quote) {
      tokens.push({ type: 'string', start, end: i + 1, value });
      return i + 1;
    } else {
      value += c;
      i++;
    }
  }
  throw syntaxError(
    source,
    start,
    `the text starting with ${quote} is not closed`,
    `End the text with a matching ${quote}.`,
  );
}

function wordEnd(source: string, from: number): number {
  let i = from;
  while (i < source.length && !/[\s()'"]/.test(source[i]) && !(source[i] === '$' && source[i + 1] === '{')) {
    if (i > from && '=!<>&|~'.includes(source[i])) break;
    i++;
  }
  return i;
}

function symbolRun(source: string, from: number): string {
  let i = from;
  while (i < source.length && '=!<>&|~'.includes(source[i])) i++;
  return source.slice(from, i);
}
