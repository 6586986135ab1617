import type * as JsonPathPlus from 'jsonpath-plus';
import type { Exchange } from '../engine/exchange.ts';
import { lazyModule } from '../engine/lazy-module.ts';
import { ExpressionSyntaxError, evaluationError } from './errors.ts';
import type { Expression } from './expression.ts';

/** Loaded by the first flow with a JSONPath. */
const jsonpathPlus = lazyModule<typeof JsonPathPlus>('jsonpath-plus');

/** jsonpath-plus's filter compiler (jsep-based, no eval), reached to check filters at deploy time. */
function safeScript(): new (code: string) => unknown {
  const prototype = jsonpathPlus().JSONPath.prototype as unknown as {
    safeVm: { Script: new (code: string) => unknown };
  };
  return prototype.safeVm.Script;
}
const HINT = "Write a JSONPath such as $.order.items[*].id or $.items[?(@.price > 10)].name (text in '…').";

/**
 * JSONPath over the body's parsed JSON: one match gives the value, several give an array, none gives
 * undefined (CPI's Content Modifier then sets nothing).
 */
export function compileJsonPath(source: string): Expression {
  validate(source);
  return {
    language: 'jsonpath',
    source,
    evaluate(exchange: Exchange): unknown {
      let matches: unknown[];
      try {
        matches = jsonpathPlus().JSONPath({
          path: source,
          json: exchange.message.body.json() as object,
          wrap: true,
          eval: 'safe',
        });
      } catch (error) {
        throw evaluationError('jsonpath', source, error);
      }
      if (matches.length === 0) return undefined;
      return matches.length === 1 ? matches[0] : matches;
    },
  };
}

/**
 * jsonpath-plus accepts almost anything and fails, if at all, on the first message. Check what can be
 * checked up front: balanced brackets and quotes, and filter scripts that compile.
 */
function validate(source: string): void {
  const fail = (offset: number, what: string) =>
    new ExpressionSyntaxError('jsonpath', source, offset, what, HINT);
  if (source.trim() === '') throw fail(0, 'the expression is empty');
  const open: number[] = [];
  let quote: { char: string; at: number } | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote.char) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = { char: c, at: i };
    } else if (c === '[' || c === '(') {
      open.push(i);
    } else if (c === ']' || c === ')') {
      const at = open.pop();
      if (at === undefined || source[at] !== (c === ']' ? '[' : '('))
        throw fail(i, `'${c}' has no matching opening bracket`);
    }
  }
  if (quote) throw fail(quote.at, `the text starting with ${quote.char} is not closed`);
  if (open.length > 0) throw fail(open[open.length - 1], `'${source[open[open.length - 1]]}' is not closed`);
  for (const filter of source.matchAll(/\[\?\(/g)) checkScript(source, filter.index + 3, fail);
}

/** Compiles the script inside `[?(…)]`, whose text starts at `start`, to report its syntax errors now. */
function checkScript(source: string, start: number, fail: (offset: number, what: string) => Error): void {
  let depth = 1;
  let end = start;
  while (end < source.length && depth > 0) {
    if (source[end] === '(') depth++;
    else if (source[end] === ')') depth--;
    end++;
  }
  const code = source.slice(start, end - 1);
  try {
    // '@' → '_' keeps every offset while making @, @.x and @parent plain identifiers.
    new (safeScript())(code.replaceAll('@', '_'));
  } catch (error) {
    const message = (error as Error).message;
    const at = Number(/at character (\d+)/.exec(message)?.[1] ?? 0);
    throw fail(start + Math.min(at, code.length), `bad filter: ${message.replace(/ at character \d+/, '')}`);
  }
}
