import type { Expression } from '../expression.ts';
import type { DateFormatter } from './date-format.ts';

/**
 * The Simple syntax tree, built once by the parser. Every node keeps its offset in the source so the
 * evaluator can name the spot when a value turns out wrong at run time.
 */

/** What `bodyAs(…)` / `headerAs(…)` convert to: Java type names folded into the JavaScript kinds. */
export type ValueType = 'string' | 'integer' | 'decimal' | 'boolean' | 'bytes';

/** Where a `${date:…}` function takes its instant from. */
export type DateSubject = { from: 'now' } | { from: 'header' | 'property'; name: string };

export type FunctionNode = { offset: number; text: string } & (
  | { kind: 'header'; name: string; as?: ValueType }
  | { kind: 'property'; name: string }
  | { kind: 'body'; as?: ValueType; oneLine?: boolean }
  | { kind: 'exchangeId' }
  | { kind: 'camelId' }
  | { kind: 'exception'; part: 'error' | 'message' | 'stacktrace' }
  | { kind: 'date'; subject: DateSubject; shiftMs: number; format?: DateFormatter }
  | { kind: 'random'; min: number; max: number }
  | { kind: 'null' }
  | { kind: 'xpath'; expression: Expression }
);

/** Text with `${…}` functions in it: the form of every Simple value (Content Modifier, addresses). */
export interface TemplateNode {
  kind: 'template';
  parts: Array<string | FunctionNode>;
}

export type Literal = string | number | boolean | null;

/** A predicate operand. A quoted literal holding `${…}` is a template, as in Camel. */
export type Operand =
  | { kind: 'function'; fn: FunctionNode }
  | { kind: 'literal'; value: Literal; offset: number }
  | { kind: 'template'; template: TemplateNode; offset: number };

/** Negated forms (!=, not in, …) are these with `negate` set. */
export type Operator =
  | '=='
  | '=~'
  | '>'
  | '>='
  | '<'
  | '<='
  | 'contains'
  | 'containsIgnoreCase'
  | 'in'
  | 'regex'
  | 'range'
  | 'startsWith'
  | 'endsWith';

export type PredicateNode =
  | { kind: 'or' | 'and'; left: PredicateNode; right: PredicateNode }
  | { kind: 'compare'; op: Operator; negate: boolean; left: Operand; right: Operand; offset: number }
  | { kind: 'truthy'; operand: Operand };
