import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import { receiverAdapters, senderAdapters } from '../adapters/index.ts';
import { steps } from '../steps/index.ts';
import { TestFileSchema } from '../testing/flow-test/flow-test.spec.ts';
import { FlowSchema } from './flow.schema.ts';
import { Kind } from './schema-builder.ts';
import { type SchemaError, schemaErrors, withDefaults } from './schema-check.ts';

/**
 * schema-check.ts must answer as TypeBox's `Value.Default` and `Value.Errors` would, whose messages
 * users see: TypeBox is the reference here, over every schema Causeway has and values made from them.
 */

type Schema = TSchema & { [key: string | symbol]: any };

const schemas: Array<[string, TSchema]> = [
  ['flow', FlowSchema],
  ['flow test file', TestFileSchema],
  ...steps.map((s): [string, TSchema] => [`step ${s.kind}`, s.options]),
  ...senderAdapters.map((a): [string, TSchema] => [`sender ${a.kind}`, a.options]),
  ...receiverAdapters.map((a): [string, TSchema] => [`receiver ${a.kind}`, a.options]),
];

const LIMIT = 60;

/** Valid and invalid values for a schema, nested values included, a few dozen at most. */
function samples(schema: Schema, depth = 0): unknown[] {
  const out = kindSamples(schema, depth);
  if ('default' in schema) out.push(schema.default);
  return out.slice(0, LIMIT);
}

function kindSamples(s: Schema, depth: number): unknown[] {
  const deeper = (inner: Schema) => (depth < 3 ? samples(inner, depth + 1) : [undefined]);
  switch (s[Kind]) {
    case 'String':
      return ['', 'text', 'a/b~c', 'x'.repeat(300), 1, null];
    case 'Integer':
    case 'Number':
      return [0, 1, -1, 60, 1_000_000, 2.5, Number.NaN, '1'];
    case 'Boolean':
      return [true, false, 'yes'];
    case 'Null':
      return [null, 0];
    case 'Literal':
      return [s.const, 'other'];
    case 'Unknown':
      return [1, 'x', { a: 1 }];
    case 'Union':
      return [...s.anyOf.flatMap((m: Schema) => deeper(m)), {}, 42];
    case 'Array': {
      const items = deeper(s.items);
      return [[], items.slice(0, 3), [items[0], items[0]], 'x', { 0: 1 }];
    }
    case 'Record': {
      const [, valueSchema] = Object.entries(s.patternProperties as Record<string, Schema>)[0];
      return [{}, ...deeper(valueSchema).map((v) => ({ name: v, 'bad key!': v })), 'x', []];
    }
    case 'Object': {
      const out: unknown[] = [{}, { unknownOption: 1 }, [], null, 'x'];
      for (const [key, property] of Object.entries(s.properties as Record<string, Schema>))
        for (const v of deeper(property)) out.push({ [key]: v });
      return out;
    }
    default:
      throw new Error(`no samples for ${String(s[Kind])}`);
  }
}

/** Whether `value` has a list where the schema has a map with a default (see valueOrDefault). */
function listOverMapDefault(s: Schema, value: unknown): boolean {
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(value) && isMap(s.default)) return true;
  if (s[Kind] === 'Object' && isMap(value))
    return Object.entries(s.properties as Record<string, Schema>).some(([key, property]) =>
      listOverMapDefault(property, (value as Record<string, unknown>)[key]),
    );
  if (s[Kind] === 'Array' && Array.isArray(value)) return value.some((v) => listOverMapDefault(s.items, v));
  return false;
}

const KINDS: Partial<Record<ValueErrorType, SchemaError['kind']>> = {
  [ValueErrorType.ObjectAdditionalProperties]: 'unknown',
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.Union]: 'union',
};

const typeboxErrors = (schema: TSchema, value: unknown) =>
  [...Value.Errors(schema, value)].map((e: ValueError) => ({
    kind: KINDS[e.type] ?? 'value',
    path: e.path,
    value: e.value,
    schema: e.schema,
    message: e.message,
  }));

describe('schema checks answer as TypeBox does', () => {
  for (const [name, schema] of schemas) {
    it(`for the ${name} schema`, () => {
      const values = samples(schema as Schema);
      assert.ok(values.length > 3);
      for (const value of values) {
        const ours = withDefaults(schema, structuredClone(value));
        let theirs: unknown;
        try {
          theirs = Value.Default(schema, structuredClone(value));
        } catch {
          continue; // TypeBox cannot copy some wrong values (see below); ours reports them
        }
        if (listOverMapDefault(schema as Schema, value)) {
          // TypeBox reads the list as a map of indexes and finds nothing wrong; ours reports it.
          assert.ok(!schemaErrors(schema, ours).next().done, `a list as a map: ${JSON.stringify(value)}`);
          continue;
        }
        assert.deepEqual(ours, theirs, `defaults of ${JSON.stringify(value)}`);
        assert.deepEqual(
          [...schemaErrors(schema, ours)],
          typeboxErrors(schema, theirs),
          JSON.stringify(value),
        );
      }
    });
  }

  it('reports an array where a union of objects belongs, where TypeBox 0.34 threw', () => {
    const timer = senderAdapters.find((a) => a.kind === 'timer')!;
    const value = withDefaults(timer.options, { schedule: [] });
    const errors = [...schemaErrors(timer.options, value)].map((e) => `${e.path} ${e.message}`);
    assert.deepEqual(errors, ['/schedule Expected union value']);
  });

  it('reports the schema that failed, which hints come from', () => {
    const [missing] = schemaErrors(FlowSchema, { steps: [] });
    assert.equal(missing.kind, 'required');
    assert.equal(missing.schema, FlowSchema.properties.id);
  });
});
