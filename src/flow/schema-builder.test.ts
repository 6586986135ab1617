import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type as TypeBox } from '@sinclair/typebox';
import { type Builders, Type } from './schema-builder.ts';

/** Each builder, called the ways specs call it, next to TypeBox's own: same keys, order, and marks. */
const calls: Array<[string, (t: Builders) => unknown]> = [
  ['String', (t) => t.String()],
  ['String with options', (t) => t.String({ minLength: 1, pattern: '^a', description: 'd', default: 'a' })],
  ['Integer', (t) => t.Integer({ minimum: 1, maximum: 50, default: 10 })],
  ['Number', (t) => t.Number()],
  ['Boolean', (t) => t.Boolean({ default: false, description: 'd' })],
  ['Null', (t) => t.Null()],
  ['Unknown', (t) => t.Unknown({ description: 'd' })],
  ['Literal string', (t) => t.Literal('x', { description: 'd' })],
  ['Literal number', (t) => t.Literal(3)],
  ['Literal boolean', (t) => t.Literal(true)],
  ['Array', (t) => t.Array(t.String(), { minItems: 1, uniqueItems: true, 'x-causeway-steps': true })],
  ['Union', (t) => t.Union([t.Literal('a'), t.Literal('b')], { default: 'a', description: 'd' })],
  ['Union of one', (t) => t.Union([t.String()], { description: 'd' })],
  ['Optional', (t) => t.Optional(t.String({ description: 'd' }))],
  [
    'Object',
    (t) =>
      t.Object(
        { a: t.String(), b: t.Optional(t.Integer()), c: t.Object({ d: t.Boolean() }) },
        { additionalProperties: false, description: 'd' },
      ),
  ],
  ['Object of optionals only', (t) => t.Object({ a: t.Optional(t.String()) })],
  ['Record', (t) => t.Record(t.String(), t.String(), { description: 'd' })],
  ['Record with a key pattern', (t) => t.Record(t.String({ pattern: '^[a-z]+$' }), t.Unknown())],
];

describe('schema builders make what TypeBox makes', () => {
  for (const [name, call] of calls) {
    it(name, () => {
      const ours = call(Type);
      const theirs = call(TypeBox as unknown as Builders);
      assert.deepStrictEqual(ours, theirs);
      assert.equal(JSON.stringify(ours), JSON.stringify(theirs));
    });
  }

  it('refuses a record key it does not support instead of building something else', () => {
    assert.throws(() => Type.Record(Type.Integer(), Type.String()), /string keys only/);
  });
});
