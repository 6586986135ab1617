import type { TSchema } from '@sinclair/typebox';
import { UnexpectedError } from '../errors.ts';
import { Kind } from './schema-builder.ts';

/**
 * Defaults and errors for the schemas schema-builder.ts makes, with the semantics and messages of
 * TypeBox's `Value.Default` and `Value.Errors` (schema-check.test.ts compares them with TypeBox).
 */

/** What is wrong: a wrong value, a missing required property, an unknown one, or no union member fits. */
export type SchemaErrorKind = 'value' | 'required' | 'unknown' | 'union';

export interface SchemaError {
  kind: SchemaErrorKind;
  /** JSON Pointer (RFC 6901) to the value, '' for the root. */
  path: string;
  value: unknown;
  /** The schema the value failed: for a missing property, the property's. */
  schema: TSchema;
  message: string;
}

type Schema = TSchema & { [key: string | symbol]: any };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  isObject(value) && !Array.isArray(value);
const isSchema = (value: unknown): value is Schema => isObject(value) && Kind in value;

/** Every problem of `value`, in TypeBox's order. */
export function* schemaErrors(schema: TSchema, value: unknown, path = ''): Generator<SchemaError> {
  const s = schema as Schema;
  const fail: Fail = (kind, message, at = { path, value }) => ({
    kind,
    path: at.path,
    value: at.value,
    schema: at.schema ?? s,
    message,
  });
  switch (s[Kind]) {
    case 'Unknown':
      return;
    case 'String':
      if (typeof value !== 'string') return yield fail('value', 'Expected string');
      if (s.minLength !== undefined && !(value.length >= s.minLength))
        yield fail('value', `Expected string length greater or equal to ${s.minLength}`);
      if (s.maxLength !== undefined && !(value.length <= s.maxLength))
        yield fail('value', `Expected string length less or equal to ${s.maxLength}`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(value))
        yield fail('value', `Expected string to match '${s.pattern}'`);
      return;
    case 'Integer':
      if (!Number.isInteger(value)) return yield fail('value', 'Expected integer');
      yield* bounds('integer', s, value as number, fail);
      return;
    case 'Number':
      if (!Number.isFinite(value)) return yield fail('value', 'Expected number');
      yield* bounds('number', s, value as number, fail);
      return;
    case 'Boolean':
      if (typeof value !== 'boolean') yield fail('value', 'Expected boolean');
      return;
    case 'Null':
      if (value !== null) yield fail('value', 'Expected null');
      return;
    case 'Literal':
      if (value !== s.const)
        yield fail('value', `Expected ${typeof s.const === 'string' ? `'${s.const}'` : s.const}`);
      return;
    case 'Array':
      yield* arrayErrors(s, value, path, fail);
      return;
    case 'Object':
      yield* objectErrors(s, value, path, fail);
      return;
    case 'Record':
      yield* recordErrors(s, value, path, fail);
      return;
    case 'Union':
      // One error for the union: which member the value was meant for is anyone's guess.
      if (!(s.anyOf as TSchema[]).some((member) => matches(member, value)))
        yield fail('union', 'Expected union value');
      return;
    default:
      throw new UnexpectedError(`schema kind '${String(s[Kind])}' is not supported by schema-check.ts`);
  }
}

/** Where an error is, when not at the value being checked: a property, with its own schema if missing. */
interface At {
  path: string;
  value: unknown;
  schema?: Schema;
}
type Fail = (kind: SchemaErrorKind, message: string, at?: At) => SchemaError;

function* bounds(name: string, s: Schema, value: number, fail: Fail): Generator<SchemaError> {
  if (s.exclusiveMaximum !== undefined && !(value < s.exclusiveMaximum))
    yield fail('value', `Expected ${name} to be less than ${s.exclusiveMaximum}`);
  if (s.exclusiveMinimum !== undefined && !(value > s.exclusiveMinimum))
    yield fail('value', `Expected ${name} to be greater than ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && !(value <= s.maximum))
    yield fail('value', `Expected ${name} to be less or equal to ${s.maximum}`);
  if (s.minimum !== undefined && !(value >= s.minimum))
    yield fail('value', `Expected ${name} to be greater or equal to ${s.minimum}`);
  if (s.multipleOf !== undefined && value % s.multipleOf !== 0)
    yield fail('value', `Expected ${name} to be a multiple of ${s.multipleOf}`);
}

function* arrayErrors(s: Schema, value: unknown, path: string, fail: Fail): Generator<SchemaError> {
  if (!Array.isArray(value)) return yield fail('value', 'Expected array');
  if (s.minItems !== undefined && !(value.length >= s.minItems))
    yield fail('value', `Expected array length to be greater or equal to ${s.minItems}`);
  if (s.maxItems !== undefined && !(value.length <= s.maxItems))
    yield fail('value', `Expected array length to be less or equal to ${s.maxItems}`);
  for (let i = 0; i < value.length; i++) yield* schemaErrors(s.items, value[i], `${path}/${i}`);
  if (s.uniqueItems === true && new Set(value.map(canonical)).size !== value.length)
    yield fail('value', 'Expected array elements to be unique');
}

function* objectErrors(s: Schema, value: unknown, path: string, fail: Fail): Generator<SchemaError> {
  if (!isPlainObject(value)) return yield fail('value', 'Expected object');
  const required: string[] = Array.isArray(s.required) ? s.required : [];
  const known = Object.keys(s.properties);
  const present = Object.getOwnPropertyNames(value);
  for (const key of required) {
    if (!present.includes(key))
      yield fail('required', 'Expected required property', {
        path: child(path, key),
        value: undefined,
        schema: s.properties[key],
      });
  }
  if (s.additionalProperties === false) {
    for (const key of present)
      if (!known.includes(key))
        yield fail('unknown', 'Unexpected property', { path: child(path, key), value: value[key] });
  } else if (isSchema(s.additionalProperties)) {
    for (const key of present)
      if (!known.includes(key)) yield* schemaErrors(s.additionalProperties, value[key], child(path, key));
  }
  for (const key of known) {
    // A required property is checked even when missing (its error follows the one above); an optional
    // one only when it has a value.
    if (required.includes(key) || value[key] !== undefined)
      yield* schemaErrors(s.properties[key], value[key], child(path, key));
  }
}

function* recordErrors(s: Schema, value: unknown, path: string, fail: Fail): Generator<SchemaError> {
  if (!isPlainObject(value)) return yield fail('value', 'Expected object');
  const [pattern, valueSchema] = Object.entries(s.patternProperties as Record<string, TSchema>)[0];
  const keyPattern = new RegExp(pattern);
  for (const [key, v] of Object.entries(value))
    if (keyPattern.test(key)) yield* schemaErrors(valueSchema, v, child(path, key));
  if (isSchema(s.additionalProperties)) {
    for (const [key, v] of Object.entries(value))
      if (!keyPattern.test(key)) yield* schemaErrors(s.additionalProperties, v, child(path, key));
  }
  if (s.additionalProperties === false) {
    const stray = Object.keys(value).find((key) => !keyPattern.test(key));
    if (stray !== undefined)
      yield fail('unknown', 'Unexpected property', { path: child(path, stray), value: value[stray] });
  }
}

export function matches(schema: TSchema, value: unknown): boolean {
  return schemaErrors(schema, value).next().done === true;
}

function child(path: string, key: string): string {
  return `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A text equal for equal JSON values, key order aside, to find duplicates. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  return typeof value === 'number' || value === undefined
    ? `${typeof value}:${value}`
    : JSON.stringify(value);
}

/**
 * `value` with the schema's defaults filled in where it has nothing, as TypeBox's `Value.Default`
 * does. Mutates and returns `value`; a missing value becomes a copy of the default.
 */
export function withDefaults(schema: TSchema, value: unknown): unknown {
  const s = schema as Schema;
  switch (s[Kind]) {
    case 'Array':
      return arrayDefaults(s, value);
    case 'Object':
      return objectDefaults(s, value);
    case 'Record':
      return recordDefaults(s, value);
    case 'Union':
      return unionDefaults(s, value);
    default:
      return valueOrDefault(s, value);
  }
}

function valueOrDefault(s: Schema, value: unknown): unknown {
  const fallback = 'default' in s ? copy(s.default) : undefined;
  if (value === undefined) return fallback;
  // An object value is laid over an object default, so keys the value lacks keep the default's.
  // Unlike TypeBox, a list is not laid over a map default: that made `[a]` the map `{ 0: a }`,
  // accepted without a word; left a list, it is reported as the wrong type.
  return isPlainObject(value) && isObject(fallback) ? Object.assign(fallback, value) : value;
}

function arrayDefaults(s: Schema, value: unknown): unknown {
  const array = Array.isArray(value) ? value : valueOrDefault(s, value);
  if (!Array.isArray(array)) return array;
  for (let i = 0; i < array.length; i++) array[i] = withDefaults(s.items, array[i]);
  return array;
}

function objectDefaults(s: Schema, value: unknown): unknown {
  const object = valueOrDefault(s, value);
  if (!isObject(object)) return object;
  const known = Object.keys(s.properties);
  for (const key of known) {
    const filled = withDefaults(s.properties[key], object[key]);
    if (filled !== undefined) object[key] = filled;
  }
  if (isSchema(s.additionalProperties) && 'default' in s.additionalProperties) {
    for (const key of Object.getOwnPropertyNames(object))
      if (!known.includes(key)) object[key] = withDefaults(s.additionalProperties, object[key]);
  }
  return object;
}

function recordDefaults(s: Schema, value: unknown): unknown {
  const record = valueOrDefault(s, value);
  if (!isObject(record)) return record;
  const [pattern, valueSchema] = Object.entries(s.patternProperties as Record<string, Schema>)[0];
  const keyPattern = new RegExp(pattern);
  // As in TypeBox, only a value schema with a default of its own fills in the record's values.
  if ('default' in valueSchema) {
    for (const key of Object.getOwnPropertyNames(record))
      if (keyPattern.test(key)) record[key] = withDefaults(valueSchema, record[key]);
  }
  if (isSchema(s.additionalProperties) && 'default' in s.additionalProperties) {
    for (const key of Object.getOwnPropertyNames(record))
      if (!keyPattern.test(key)) record[key] = withDefaults(s.additionalProperties, record[key]);
  }
  return record;
}

/** The defaults of the first member the value then fits; none if it fits none. */
function unionDefaults(s: Schema, value: unknown): unknown {
  const base = valueOrDefault(s, value);
  for (const member of s.anyOf as TSchema[]) {
    const filled = withDefaults(member, copy(base));
    if (matches(member, filled)) return filled;
  }
  return base;
}

/** A deep copy of JSON-like data; anything else (a function found on a wrong value) is kept as is. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, copy(v)]));
  return value;
}
