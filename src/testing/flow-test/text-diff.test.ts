import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchJson } from './match-json.ts';
import { lineDiff, normalizeText } from './text-diff.ts';
import { normalizeXml } from './xml-normalize.ts';

describe('lineDiff', () => {
  it('shows changed lines, expected first, with three lines of context and … for the rest', () => {
    const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const actual = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'X', 'Y', 'j'].join('\n');
    assert.deepEqual(lineDiff(expected, actual), [
      '- expected',
      '+ actual',
      '  …',
      '  f',
      '  g',
      '  h',
      '- i',
      '+ X',
      '+ Y',
      '  j',
    ]);
  });

  it('points at the first differing character of one-line texts', () => {
    assert.deepEqual(lineDiff('{"a":1}', '{"a":2}'), [
      '- expected',
      '+ actual',
      '- {"a":1}',
      '+ {"a":2}',
      '  (first difference at character 6)',
    ]);
  });

  it('normalizes line endings and surrounding blanks before comparing', () => {
    assert.equal(normalizeText('\r\n a\r\nb \r\n'), 'a\nb');
  });
});

describe('matchJson', () => {
  it('accepts a subset: extra keys are fine, listed ones must match', () => {
    assert.deepEqual(matchJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { d: 2 }] } }), []);
  });

  it('names each mismatch by its path, types included', () => {
    assert.deepEqual(
      matchJson(
        { items: [{ qty: 3 }], n: '1', 'a b': null, o: 1 },
        { items: [{ qty: 2 }], n: 1, 'a b': {}, o: [] },
      ),
      [
        '$.items[0].qty: expected 2, got 3',
        '$.n: expected 1, got "1"',
        '$["a b"]: expected an object, got null',
        '$.o: expected an array, got 1',
      ],
    );
  });

  it('requires arrays of the same length and reports missing keys', () => {
    assert.deepEqual(matchJson({ a: [1, 2, 3] }, { a: [1, 2], b: null }), [
      '$.a: expected 2 items, got 3: [1,2,3]',
      '$.b: expected null, got nothing (no such key)',
    ]);
  });
});

describe('normalizeXml', () => {
  it('ignores layout, the declaration, comments and attribute order', () => {
    const a = normalizeXml('<?xml version="1.0"?>\n<!-- c --><r b="2" a="1">\n  <x>t</x>\n  <y/>\n</r>');
    const b = normalizeXml('<r a="1" b="2"><x>t</x><y></y></r>');
    assert.deepEqual(a, b);
    assert.deepEqual(a, ['<r a="1" b="2">', '  <x>t</x>', '  <y/>', '</r>']);
  });

  it('keeps text that differs, and CDATA as text', () => {
    assert.deepEqual(normalizeXml('<r><![CDATA[a<b]]></r>'), ['<r>a&lt;b</r>']);
    assert.notDeepEqual(normalizeXml('<r>a</r>'), normalizeXml('<r>b</r>'));
  });

  it('throws for text that is not well-formed', () => {
    assert.throws(() => normalizeXml('<r><x></r>'), /^Error: not well-formed XML: /);
    assert.throws(() => normalizeXml(''), /not well-formed XML/);
  });
});
