import type { ValueType } from './ast.ts';

/**
 * How Simple sees values: as text for concatenation and string operators, as numbers when both sides
 * of a comparison look numeric, as booleans the way Camel's value predicates decide.
 */

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return value.map(toText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The number a value stands for, or NaN when it is not numeric (booleans and blank text are not). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return NUMERIC.test(value) ? Number(value) : Number.NaN;
  if (typeof value === 'bigint') return Number(value);
  return Number.NaN;
}

/** Camel's ObjectHelper.evaluateValuePredicate: booleans as is, "true"/"false" text, else "is it there". */
export function isTruthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined;
}

/** Converts for `bodyAs(Type)` / `headerAs(name,Type)`; throws an Error naming the value when it cannot. */
export function convert(value: unknown, type: ValueType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return toText(value);
    case 'bytes':
      return Buffer.isBuffer(value) ? value : Buffer.from(toText(value), 'utf8');
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = toText(value).trim().toLowerCase();
      if (text === 'true' || text === 'false') return text === 'true';
      throw new Error(`'${abbreviate(value)}' is not a Boolean (true or false)`);
    }
    case 'integer': {
      const n = toNumber(typeof value === 'string' ? value.trim() : value);
      if (Number.isInteger(n)) return n;
      throw new Error(`'${abbreviate(value)}' is not a whole number`);
    }
    case 'decimal': {
      const n = toNumber(value);
      if (!Number.isNaN(n)) return n;
      throw new Error(`'${abbreviate(value)}' is not a number`);
    }
  }
}

function abbreviate(value: unknown): string {
  const text = toText(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
