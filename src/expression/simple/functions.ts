// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages show Simple syntax, which uses ${…}
import { ExpressionSyntaxError } from '../errors.ts';
import type { NamespaceMap } from '../expression.ts';
import { compileXPath } from '../xpath.ts';
import type { DateSubject, FunctionNode, ValueType } from './ast.ts';
import { compileDatePattern, DATE_PATTERN_LETTERS, DatePatternError } from './date-format.ts';
import { syntaxError } from './lexer.ts';
import { checkTimeZone } from './zoned-time.ts';

export const VALID_FUNCTIONS =
  'Valid functions: ${header.name}, ${property.name}, ${body}, ${bodyAs(String)}, ${headerAs(name,Integer)}, ' +
  '${exchangeId}, ${messageId}, ${camelId}, ${exception.message}, ${exception.stacktrace}, ' +
  '${date:now:yyyy-MM-dd}, ${date:header.name:pattern}, ${date-with-timezone:now:Europe/Berlin:pattern}, ' +
  '${random(min,max)}, ${null}, ${xpath./a/b}.';

const TYPES: Record<string, ValueType> = {
  string: 'string',
  integer: 'integer',
  int: 'integer',
  long: 'integer',
  short: 'integer',
  double: 'decimal',
  float: 'decimal',
  bigdecimal: 'decimal',
  number: 'decimal',
  boolean: 'boolean',
  'byte[]': 'bytes',
};
const TYPE_HINT = 'Use one of String, Integer, Long, Double, Float, BigDecimal, Boolean, byte[].';
const SHIFT_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

interface Context {
  source: string;
  namespaces?: NamespaceMap;
}

/** Parses the inside of one `${…}` (which starts at `at` in the source) into a function node. */
export function parseFunction(ctx: Context, inner: string, at: number): FunctionNode {
  const base = { offset: at - 2, text: `\${${inner}}` };
  const named = (prefixes: string[]) => nameAfter(ctx, inner, at, prefixes);
  switch (inner) {
    case 'body':
    case 'in.body':
      return { ...base, kind: 'body' };
    case 'bodyOneLine':
      return { ...base, kind: 'body', oneLine: true };
    case 'exchangeId':
    case 'messageId':
    case 'id':
      return { ...base, kind: 'exchangeId' };
    case 'camelId':
    case 'camelContext.name':
      return { ...base, kind: 'camelId' };
    case 'exception':
      return { ...base, kind: 'exception', part: 'error' };
    case 'exception.message':
      return { ...base, kind: 'exception', part: 'message' };
    case 'exception.stacktrace':
    case 'exception.stackTrace':
      return { ...base, kind: 'exception', part: 'stacktrace' };
    case 'null':
      return { ...base, kind: 'null' };
  }
  const header = named(['in.headers', 'in.header', 'headers', 'header']);
  if (header !== undefined) return { ...base, kind: 'header', name: header };
  const property = named(['exchangeProperty', 'property']);
  if (property !== undefined) return { ...base, kind: 'property', name: property };

  let args = call(ctx, inner, at, 'bodyAs') ?? call(ctx, inner, at, 'mandatoryBodyAs');
  if (args) return { ...base, kind: 'body', as: valueType(ctx, args[0], at + inner.indexOf('(') + 1) };
  args = call(ctx, inner, at, 'headerAs');
  if (args) {
    if (args.length !== 2) {
      throw syntaxError(
        ctx.source,
        at,
        'headerAs takes a header name and a type',
        'Write ${headerAs(name,Integer)}.',
      );
    }
    const typeAt = at + inner.lastIndexOf(',') + 1;
    return { ...base, kind: 'header', name: unquote(args[0]), as: valueType(ctx, args[1], typeAt) };
  }
  args = call(ctx, inner, at, 'random');
  if (args) return { ...base, kind: 'random', ...randomRange(ctx, args, at) };

  if (inner.startsWith('date-with-timezone:')) return { ...base, ...date(ctx, inner, at, true) };
  if (inner.startsWith('date:')) return { ...base, ...date(ctx, inner, at, false) };
  if (inner.startsWith('xpath.') || inner.startsWith('xpath:'))
    return { ...base, kind: 'xpath', expression: xpath(ctx, inner, at) };

  if (/^(in\.)?body[.[?]/.test(inner)) {
    throw syntaxError(
      ctx.source,
      at + inner.indexOf('body') + 4,
      `'${inner}' reads into the body, which Simple does not do here`,
      'Use ${xpath./path} for XML, or a JSONPath/JSONata expression for JSON.',
    );
  }
  const what = inner.trim() === '' ? 'the function is empty' : `unknown function '${inner}'`;
  throw syntaxError(ctx.source, at, what, VALID_FUNCTIONS);
}

/** `header.x`, `header:x`, `header[x]` or `header['x']` → `x`; undefined when no prefix matches. */
function nameAfter(ctx: Context, inner: string, at: number, prefixes: string[]): string | undefined {
  const prefix = prefixes.find((p) => inner.startsWith(p) && '.:['.includes(inner[p.length] ?? '-'));
  if (prefix === undefined) return undefined;
  const rest = inner.slice(prefix.length);
  let name = rest.slice(1);
  if (rest[0] === '[') {
    if (!rest.endsWith(']')) {
      throw syntaxError(
        ctx.source,
        at + inner.length,
        `'[' after ${prefix} is not closed`,
        `Write \${${prefix}[name]}.`,
      );
    }
    name = unquote(rest.slice(1, -1));
  }
  if (name.trim() === '') {
    throw syntaxError(
      ctx.source,
      at + prefix.length + 1,
      `the ${prefix} name is missing`,
      `Write \${${prefix}.name}.`,
    );
  }
  return name;
}

/** The arguments of `name(…)`, or undefined when `inner` is not that call. */
function call(ctx: Context, inner: string, at: number, name: string): string[] | undefined {
  if (!inner.startsWith(`${name}(`)) return undefined;
  if (!inner.endsWith(')')) {
    throw syntaxError(
      ctx.source,
      at + inner.length,
      `'(' after ${name} is not closed`,
      `Write \${${name}(…)}.`,
    );
  }
  return inner
    .slice(name.length + 1, -1)
    .split(',')
    .map((a) => a.trim());
}

function valueType(ctx: Context, name: string, at: number): ValueType {
  const type = TYPES[name.replace(/^java\.(lang|math)\./, '').toLowerCase()];
  if (!type) throw syntaxError(ctx.source, at, `unknown type '${name}'`, TYPE_HINT);
  return type;
}

function randomRange(ctx: Context, args: string[], at: number): { min: number; max: number } {
  const numbers = args.map(Number);
  const ok = args.length <= 2 && args.every((a) => /^-?\d+$/.test(a));
  const [min, max] = numbers.length === 1 ? [0, numbers[0]] : numbers;
  if (!ok || min >= max) {
    throw syntaxError(
      ctx.source,
      at + 7,
      'random needs whole numbers min < max',
      'Write ${random(1,100)} (max excluded) or ${random(10)}.',
    );
  }
  return { min, max };
}

/** `date:COMMAND[:PATTERN]` or `date-with-timezone:COMMAND:ZONE:PATTERN`. */
function date(ctx: Context, inner: string, at: number, withZone: boolean) {
  const head = withZone ? 'date-with-timezone:' : 'date:';
  const commandAt = head.length;
  const commandEnd = inner.indexOf(':', commandAt);
  const command = inner.slice(commandAt, commandEnd < 0 ? undefined : commandEnd);
  const { subject, shiftMs } = dateCommand(ctx, command, at + commandAt);
  let rest = commandEnd < 0 ? undefined : inner.slice(commandEnd + 1);
  let restAt = at + commandEnd + 1;
  let zone: string | undefined;
  if (withZone) {
    const zoneEnd = rest?.indexOf(':') ?? -1;
    if (rest === undefined || zoneEnd <= 0) {
      throw syntaxError(
        ctx.source,
        at + inner.length,
        'the time zone or the pattern is missing',
        'Write ${date-with-timezone:now:Europe/Berlin:yyyy-MM-dd HH:mm}.',
      );
    }
    zone = rest.slice(0, zoneEnd);
    try {
      checkTimeZone(zone);
    } catch {
      throw syntaxError(
        ctx.source,
        restAt,
        `unknown time zone '${zone}'`,
        'Use an IANA zone name such as Europe/Berlin, America/New_York or UTC.',
      );
    }
    rest = rest.slice(zoneEnd + 1);
    restAt += zoneEnd + 1;
  }
  if (rest === undefined) return { kind: 'date' as const, subject, shiftMs };
  try {
    return { kind: 'date' as const, subject, shiftMs, format: compileDatePattern(rest, zone) };
  } catch (error) {
    if (!(error instanceof DatePatternError)) throw error;
    throw syntaxError(
      ctx.source,
      restAt + error.index,
      `bad date pattern: ${error.message}`,
      `Pattern letters (Java SimpleDateFormat): ${DATE_PATTERN_LETTERS}; put other text in single quotes, as in yyyy-MM-dd'T'HH:mm.`,
    );
  }
}

function dateCommand(ctx: Context, command: string, at: number): { subject: DateSubject; shiftMs: number } {
  // Shifts as Camel writes them: now-24h, header.x+1h30m, now-100 (milliseconds).
  const match = /^(.*?)((?:[+-](?:\d+(?:ms|[dhms]))*\d+(?:ms|[dhms])?)*)$/.exec(command) as RegExpExecArray;
  const [, target, shifts] = match;
  let shiftMs = 0;
  for (const group of shifts.match(/[+-][^+-]+/g) ?? []) {
    const sign = group[0] === '-' ? -1 : 1;
    for (const [, amount, unit] of group.slice(1).matchAll(/(\d+)(ms|[dhms])?/g)) {
      shiftMs += sign * Number(amount) * SHIFT_UNITS[unit ?? 'ms'];
    }
  }
  if (target === 'now') return { subject: { from: 'now' }, shiftMs };
  const header = nameAfter(ctx, target, at, ['in.headers', 'in.header', 'headers', 'header']);
  if (header !== undefined) return { subject: { from: 'header', name: header }, shiftMs };
  const property = nameAfter(ctx, target, at, ['exchangeProperty', 'property']);
  if (property !== undefined) return { subject: { from: 'property', name: property }, shiftMs };
  throw syntaxError(
    ctx.source,
    at,
    `unknown date command '${command}'`,
    'Use now, header.name or property.name, optionally shifted as in now-1d or now+2h.',
  );
}

function xpath(ctx: Context, inner: string, at: number) {
  const path = inner.slice('xpath.'.length);
  try {
    return compileXPath(path, { namespaces: ctx.namespaces });
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    throw syntaxError(
      ctx.source,
      at + 'xpath.'.length + error.offset,
      `XPath: ${error.what}`,
      error.hint ?? '',
    );
  }
}

function unquote(text: string): string {
  const t = text.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}
