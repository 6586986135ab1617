import { randomInt } from 'node:crypto';
import type { Exchange } from '../../engine/exchange.ts';
import type { FunctionNode, Operand, PredicateNode, TemplateNode } from './ast.ts';
import { type BadLiteral, comparison, type Getter, type Test } from './compare.ts';
import { syntaxError } from './lexer.ts';
import { convert, isTruthy, toText } from './values.ts';

/**
 * Turns the syntax tree into closures, once. Evaluating is then plain function calls: no tree walk,
 * no string inspection, nothing parsed per message.
 */

export function functionGetter(fn: FunctionNode): Getter {
  switch (fn.kind) {
    case 'header': {
      const { name, as } = fn;
      if (as) return (ex) => convert(ex.message.headers.get(name), as);
      return (ex) => ex.message.headers.get(name);
    }
    case 'property': {
      const { name } = fn;
      return (ex) => ex.properties.get(name);
    }
    case 'body': {
      const { as, oneLine } = fn;
      if (as) return (ex) => convert(as === 'bytes' ? ex.message.body.buffer() : ex.message.body.text(), as);
      if (oneLine) return (ex) => ex.message.body.text().replace(/\r?\n/g, '');
      return (ex) => ex.message.body.text();
    }
    case 'exchangeId':
      return (ex) => ex.id;
    case 'camelId':
      return (ex) => ex.flowId;
    case 'exception':
      if (fn.part === 'message') return (ex) => ex.exception?.message;
      if (fn.part === 'stacktrace') return (ex) => ex.exception?.stack;
      return (ex) => ex.exception;
    case 'date':
      return dateGetter(fn);
    case 'random': {
      const { min, max } = fn;
      return () => randomInt(min, max);
    }
    case 'null':
      return () => null;
    case 'xpath': {
      const { expression } = fn;
      return (ex) => expression.evaluate(ex);
    }
  }
}

function dateGetter(fn: Extract<FunctionNode, { kind: 'date' }>): Getter {
  const { subject, shiftMs, format } = fn;
  const read: (ex: Exchange) => Date =
    subject.from === 'now'
      ? () => new Date(Date.now() + shiftMs)
      : (ex) => {
          const value =
            subject.from === 'header'
              ? ex.message.headers.get(subject.name)
              : ex.properties.get(subject.name);
          const date = toDate(value);
          if (!date) {
            throw new Error(
              `${subject.from} '${subject.name}' holds ${value === undefined ? 'nothing' : `'${toText(value)}'`}, not a date (a Date, epoch milliseconds or ISO 8601 text)`,
            );
          }
          return shiftMs === 0 ? date : new Date(date.getTime() + shiftMs);
        };
  return format ? (ex) => format(read(ex)) : read;
}

function toDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && value.trim() !== '') {
    date = /^\s*-?\d+\s*$/.test(value) ? new Date(Number(value)) : new Date(value);
  }
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** A template's value: the raw value when it is exactly one function, else the concatenated text. */
export function templateGetter(template: TemplateNode): Getter {
  const { parts } = template;
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const [only] = parts;
    if (typeof only === 'string') return () => only;
    return functionGetter(only);
  }
  return textGetter(template);
}

/** A template's value as text, whatever it holds (a missing header is empty text). */
export function textGetter(template: TemplateNode): (exchange: Exchange) => string {
  const pieces = template.parts.map((p) => (typeof p === 'string' ? p : functionGetter(p)));
  if (pieces.length === 0) return () => '';
  if (pieces.length === 1) {
    const [only] = pieces;
    return typeof only === 'string' ? () => only : (ex) => toText(only(ex));
  }
  return (ex) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : toText(piece(ex));
    return out;
  };
}

export function predicateTest(node: PredicateNode, source: string): Test {
  switch (node.kind) {
    case 'and': {
      const left = predicateTest(node.left, source);
      const right = predicateTest(node.right, source);
      return (ex) => left(ex) && right(ex);
    }
    case 'or': {
      const left = predicateTest(node.left, source);
      const right = predicateTest(node.right, source);
      return (ex) => left(ex) || right(ex);
    }
    case 'truthy': {
      const value = operandGetter(node.operand);
      return (ex) => isTruthy(value(ex));
    }
    case 'compare': {
      const { right } = node;
      const constant = right.kind === 'literal' ? { value: right.value } : undefined;
      const offset = right.kind === 'function' ? right.fn.offset : right.offset;
      const bad: BadLiteral = (what, hint) => syntaxError(source, offset, what, hint);
      return comparison(node.op, node.negate, operandGetter(node.left), operandGetter(right), constant, bad);
    }
  }
}

function operandGetter(operand: Operand): Getter {
  switch (operand.kind) {
    case 'function':
      return functionGetter(operand.fn);
    case 'template':
      return textGetter(operand.template);
    case 'literal': {
      const { value } = operand;
      return () => value;
    }
  }
}
