import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from './schema-builder.ts';
import { validateOptions } from './validate-options.ts';

const Options = Type.Object(
  {
    mode: Type.Union([Type.Literal('sequential'), Type.Literal('parallel')], {
      default: 'sequential',
      description: 'sequential: one after another; parallel: all at once.',
    }),
    kind: Type.Optional(Type.Union([Type.Literal('node'), Type.Literal('nodelist')])),
    namespaces: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'Prefix → namespace URI.',
    }),
    codes: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        description: 'HTTP status codes to retry.',
      }),
    ),
  },
  { additionalProperties: false },
);

const problems = (value: unknown) =>
  validateOptions(Options, value, ['steps', 0, 'x']).problems.map((p) => ({
    at: p.path.join('.'),
    message: p.message,
    hint: p.hint,
  }));

describe('validateOptions', () => {
  it('suggests the closest allowed value for a misspelt one', () => {
    assert.deepEqual(problems({ kind: 'nodeList' }), [
      {
        at: 'steps.0.x.kind',
        message: "'nodeList' is not one of 'node', 'nodelist'",
        hint: "Did you mean 'nodelist'?",
      },
    ]);
  });

  it('explains the allowed values of a value far from all of them', () => {
    assert.deepEqual(problems({ mode: 'random' }), [
      {
        at: 'steps.0.x.mode',
        message: "'random' is not one of 'sequential', 'parallel'",
        hint: 'sequential: one after another; parallel: all at once.',
      },
    ]);
    // Without a description, the values the message lists are all there is to say.
    assert.equal(problems({ kind: 'everything' })[0].hint, undefined);
  });

  it('says how to write options that are not a map', () => {
    const [problem] = problems('fast');
    assert.equal(problem.at, 'steps.0.x');
    assert.equal(problem.message, 'expected object, got "fast"');
    assert.match(problem.hint ?? '', /^Write a map/);
  });

  it('reports a bad list item by its place, with the list’s description as the hint', () => {
    assert.deepEqual(problems({ codes: [503, 700] }), [
      {
        at: 'steps.0.x.codes.1',
        message: 'expected integer to be less or equal to 599, got 700',
        hint: 'HTTP status codes to retry.',
      },
    ]);
  });

  it('rejects a list where a map is expected, instead of reading it as a map of indexes', () => {
    const { value, problems: found } = validateOptions(Options, { namespaces: ['urn:a'] }, []);
    assert.deepEqual(
      found.map((p) => [p.path.join('.'), p.message]),
      [['namespaces', '\'namespaces\': expected object, got ["urn:a"]']],
    );
    assert.deepEqual((value as { namespaces: unknown }).namespaces, ['urn:a']);
  });
});
