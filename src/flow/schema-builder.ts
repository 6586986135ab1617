import type {
  Kind as TypeBoxKind,
  OptionalKind as TypeBoxOptionalKind,
  Type as TypeBoxType,
} from '@sinclair/typebox';
import { UnexpectedError } from '../errors.ts';

/**
 * Builders for option schemas, with TypeBox's names and types: `Type.Object({...})` returns the same
 * JSON Schema object TypeBox returns (marked with TypeBox's symbols), so `Static<typeof schema>` gives
 * the options' type and TypeBox's own `Value` functions accept it. TypeBox is used for its types only:
 * loading its 250 modules held about 6 MB in every runtime. Checked against TypeBox in
 * schema-builder.test.ts; schema-check.ts validates values.
 */
export type Builders = Pick<
  typeof TypeBoxType,
  | 'Array'
  | 'Boolean'
  | 'Integer'
  | 'Literal'
  | 'Null'
  | 'Number'
  | 'Object'
  | 'Optional'
  | 'Record'
  | 'String'
  | 'Union'
  | 'Unknown'
>;

/** TypeBox's marks: the kind of a schema, and an optional property. Global symbols, shared with TypeBox. */
export const Kind = Symbol.for('TypeBox.Kind') as typeof TypeBoxKind;
export const OptionalKind = Symbol.for('TypeBox.Optional') as typeof TypeBoxOptionalKind;

/** TypeBox's key pattern of a record keyed by any string. */
const ANY_STRING_KEY = '^(.*)$';

type Schema = { [key: string | symbol]: unknown };
type Options = object | undefined;

/** Options first, then the kind's own keywords, in TypeBox's order: generated JSON Schema and docs keep theirs. */
function create(kind: string, keywords: Schema, options: Options): Schema {
  return { ...options, [Kind]: kind, ...keywords };
}

function object(properties: Record<string, Schema>, options?: Options): Schema {
  const required = Object.keys(properties).filter((key) => !(OptionalKind in properties[key]));
  const keywords =
    required.length > 0 ? { type: 'object', required, properties } : { type: 'object', properties };
  return create('Object', keywords, options);
}

function record(key: Schema, value: Schema, options: Options = {}): Schema {
  if (key[Kind] !== 'String') {
    throw new UnexpectedError(`Type.Record supports string keys only, got a ${String(key[Kind])} key`);
  }
  const pattern = typeof key.pattern === 'string' ? key.pattern : ANY_STRING_KEY;
  return create('Record', { type: 'object', patternProperties: { [pattern]: value } }, options);
}

function union(members: Schema[], options?: Options): Schema {
  if (members.length === 0) throw new UnexpectedError('Type.Union needs at least one member');
  // A union of one is that one, as in TypeBox.
  if (members.length === 1) return { ...options, ...members[0] };
  return create('Union', { anyOf: members }, options);
}

const builders = {
  Array: (items: Schema, options?: Options) => create('Array', { type: 'array', items }, options),
  Boolean: (options?: Options) => create('Boolean', { type: 'boolean' }, options),
  Integer: (options?: Options) => create('Integer', { type: 'integer' }, options),
  Literal: (value: string | number | boolean, options?: Options) =>
    create('Literal', { const: value, type: typeof value }, options),
  Null: (options?: Options) => create('Null', { type: 'null' }, options),
  Number: (options?: Options) => create('Number', { type: 'number' }, options),
  Object: object,
  Optional: (schema: Schema) => ({ ...schema, [OptionalKind]: 'Optional' }),
  Record: record,
  String: (options?: Options) => create('String', { type: 'string' }, options),
  Union: union,
  Unknown: (options?: Options) => create('Unknown', {}, options),
};

// The implementations are untyped JSON builders; TypeBox's signatures carry the static types.
export const Type = builders as unknown as Builders;
