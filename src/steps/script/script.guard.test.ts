import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { GuardParseError, guardScript } from './script.guard.ts';

const lines = (text: string) => text.split('\n');

describe('script guard', () => {
  it('inserts checks in loops and functions without adding lines, and the result still parses', () => {
    const source = [
      'function f(a) { "use strict"',
      '  for (;;); while (a) a--',
      '  do a++; while (a < 3)',
      '  outer: for (const x of [1]) for (const k in {}) continue outer;',
      '  const g = (b) => (c) => ({ b, c }), h = async () => { await 1 };',
      '  class C extends Object { constructor() { super(); } static { for (;;) {} } }',
      '  function* gen() { while (true) yield 1; }',
      '}',
    ].join('\n');
    const { code } = guardScript(source);
    assert.equal(lines(code).length, lines(source).length);
    new vm.Script(code); // throws if the insertions broke the syntax
    const checks = code.match(/if\(--__cw[0-9a-f]{12}b<0\)__cw[0-9a-f]{12}c\(\);/g) ?? [];
    // 7 loops, and the 4 function bodies in braces: f, h, the constructor and gen.
    assert.equal(checks.length, 7 + 4);
    assert.equal((code.match(/\(--__cw[0-9a-f]{12}b<0&&/g) ?? []).length, 2, 'both expression arrows');
    assert.match(lines(code)[0], /"use strict";if\(/, 'the directive stays first');
    assert.match(lines(code)[1], /for \(;;\)\{if\(.*\);;\} while \(a\) \{if\(.*\);a--\}/);
  });

  it('maps columns of the guarded code back to the source', () => {
    const source =
      'function processData(m) { for (const x of [1]) alpha(x); return [1].map((v) => beta(v)) }';
    const { code, sourceColumn } = guardScript(source);
    for (const name of ['alpha', 'beta', 'return', 'processData', 'map']) {
      const generated = code.indexOf(name) + 1;
      assert.ok(generated > 0);
      assert.equal(sourceColumn(1, generated), source.indexOf(name) + 1, name);
    }
    // A column inside an inserted check points at the code after it; unknown lines pass through.
    const inserted = code.indexOf('if(--') + 3;
    assert.equal(sourceColumn(1, inserted), source.indexOf('{ for') + 2);
    assert.equal(sourceColumn(9, 4), 4);
  });

  it('names its bindings afresh for each script, never as the script does', () => {
    const a = guardScript('function f() {}');
    const b = guardScript('function f() {}');
    const name = (code: string) => /__cw[0-9a-f]{12}/.exec(code)?.[0];
    assert.notEqual(name(a.code), name(b.code));
    assert.ok(a.preamble.includes(name(a.code) as string));
  });

  it('reports a syntax error with its position', () => {
    assert.throws(
      () => guardScript('function f() {\n  let x = ;\n}'),
      (e) =>
        e instanceof GuardParseError && e.line === 2 && e.col === 11 && /Unexpected token/.test(e.message),
    );
  });
});
