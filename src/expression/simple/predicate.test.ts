// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are Simple sources
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { compilePredicate } from '../index.ts';

const exchange = new Exchange({
  body: 'Hello World',
  headers: {
    'Content-Type': 'application/json',
    Status: 'OK',
    Count: 7,
    Amount: '150.50',
    Version: '10',
    Code: 'AB123',
    Empty: '',
    Flag: 'true',
    Off: false,
    Tags: ['red', 'blue'],
  },
  properties: { total: 250, customer: 'ACME', small: '9', nine: 9, pattern: '[A-Z]{2}\\d+' },
  flowId: 'orders',
});

describe('Simple predicates', () => {
  const cases: Array<[source: string, expected: boolean]> = [
    // equality, both spellings, literals of each kind
    ["${header.Status} = 'OK'", true],
    ["${header.Status} == 'OK'", true],
    ['${header.Status} == "OK"', true],
    ['${header.Status} = OK', true],
    ["${header.Status} != 'OK'", false],
    ["${header.Status} = 'ok'", false],
    ["${header.Status} =~ 'ok'", true],
    ["${header.Status} !=~ 'ok'", false],
    // headers are case-insensitive, in every spelling
    ["${header.status} = 'OK'", true],
    ["${headers.STATUS} = 'OK'", true],
    ["${in.header.Status} = 'OK'", true],
    ["${in.headers.status} = 'OK'", true],
    ["${header[content-type]} = 'application/json'", true],
    ["${header['Content-Type']} starts with 'application/'", true],
    ["${header:status} = 'OK'", true],
    // numeric when both sides are numeric, text otherwise
    ['${header.Count} = 7', true],
    ["${header.Count} = '7.0'", true],
    ['${header.Count} > 10', false],
    ['${header.Amount} > 100', true],
    ['${header.Amount} >= 150.5', true],
    ['${header.Amount} < 150.5', false],
    ["${header.Version} > '9'", true], // numeric: 10 > 9 (as text '10' < '9')
    ["${header.Code} > 'AA'", true], // text
    ["${header.Code} < 'AB2'", true], // text: '1' < '2'
    ['${property.total} <= 250', true],
    ['${property.small} < ${property.total}', true],
    ['${property.nine} = ${property.small}', true],
    // contains, in, regex, range, starts/ends with and negations
    ["${body} contains 'World'", true],
    ["${body} not contains 'World'", false],
    ["${body} !contains 'Moon'", true],
    ["${body} ~~ 'world'", true],
    ["${body} !~~ 'WORLD'", false],
    ["${header.Tags} contains 'blue'", true],
    ["${header.Tags} contains 'blu'", false],
    ["${header.Status} in 'OK,ACCEPTED'", true],
    ["${header.Status} in 'OK , ACCEPTED'", true],
    ["${header.Status} in 'OKAY,ACCEPTED'", false],
    ["${header.Status} not in 'FAILED,REJECTED'", true],
    ["${header.Count} in '1,7,9'", true],
    ["${header.Code} regex '[A-Z]{2}\\d+'", true],
    ["${header.Code} regex '[A-Z]{2}'", false], // the whole value must match
    ["${header.Code} regex '(?i)ab\\d+'", true],
    ["${header.Code} not regex '\\d+'", true],
    ['${header.Code} regex ${property.pattern}', true],
    ["${header.Count} range '1..10'", true],
    ["${header.Count} range '8..10'", false],
    ["${header.Count} not range '8..10'", true],
    ["${body} starts with 'Hello'", true],
    ["${body} startsWith 'World'", false],
    ["${body} ends with 'World'", true],
    ["${body} not ends with 'World'", false],
    // null and missing values
    ['${header.missing} == null', true],
    ['${header.missing} != null', false],
    ['${header.Status} == null', false],
    ["${header.missing} = ''", false],
    ["${header.Empty} = ''", true],
    ['${header.missing} > 1', false],
    ["${header.missing} contains 'a'", false],
    ["${header.missing} not contains 'a'", true],
    // booleans
    ['${header.Flag} = true', true],
    ['${header.Off} == false', true],
    // bare values are truthy tests
    ['${header.Flag}', true],
    ['${header.Off}', false],
    ['${header.missing}', false],
    ['${header.Status}', true],
    ['true', true],
    ['false', false],
    // and binds tighter than or; left to right; parentheses
    ["${header.Status} = 'NO' and ${header.Count} = 7 or ${property.customer} = 'ACME'", true],
    ["${property.customer} = 'ACME' or ${header.Status} = 'NO' and ${header.Count} = 0", true],
    ["(${property.customer} = 'ACME' or ${header.Status} = 'NO') and ${header.Count} = 0", false],
    ["${header.Status} = 'OK' && ${header.Count} = 7", true],
    ["${header.Status} = 'NO' || ${header.Count} = 7", true],
    ["${header.Status} = 'OK' AND ${header.Count} = 8", false],
    ["((${header.Status} = 'OK'))", true],
    ["${header.Status} = 'OK' and (${header.Count} = 1 or ${header.Count} = 7)", true],
    // templates inside quotes, literal on the left
    ["${header.Code} = 'AB${header.Count}'", false],
    ["'AB123' = ${header.Code}", true],
    ["${camelId} = 'orders'", true],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${expected}`, () => {
      assert.equal(compilePredicate(source, 'simple').test(exchange), expected);
    });
  }

  it('does not evaluate the right side of and when the left is false', () => {
    const bad = new Exchange({ body: 'x', headers: { n: '12x' } });
    const predicate = compilePredicate("${header.missing} = 'a' and ${headerAs(n,Integer)} > 1", 'simple');
    assert.equal(predicate.test(bad), false);
  });

  it('reports evaluation failures with the expression', () => {
    const bad = new Exchange({ headers: { n: '12x' } });
    assert.throws(
      () => compilePredicate('${headerAs(n,Integer)} > 1', 'simple').test(bad),
      (error: Error & { code?: string }) =>
        error.code === 'CW_ERR_EXPRESSION_EVAL' &&
        /\$\{headerAs\(n,Integer\)\} > 1/.test(error.message) &&
        /not a whole number/.test(error.message),
    );
  });

  it('compares against a dynamic regex, compiling each distinct pattern once', () => {
    const predicate = compilePredicate('${header.v} regex ${header.p}', 'simple');
    const make = (v: string, p: string) => new Exchange({ headers: { v, p } });
    assert.equal(predicate.test(make('abc', 'a.c')), true);
    assert.equal(predicate.test(make('abcd', 'a.c')), false);
    assert.equal(predicate.test(make('x1', 'x\\d')), true);
    assert.throws(() => predicate.test(make('x', '[')), { code: 'CW_ERR_EXPRESSION_EVAL' });
  });

  it('unescapes quotes inside quoted literals and templates', () => {
    const ex = new Exchange({ headers: { q: "it's", d: 'say "hi"', n: 'x' } });
    assert.equal(compilePredicate("${header.q} = 'it\\'s'", 'simple').test(ex), true);
    assert.equal(compilePredicate('${header.d} = "say \\"hi\\""', 'simple').test(ex), true);
    assert.equal(
      compilePredicate("${header.q} = '${header.n}\\'s'", 'simple').test(
        new Exchange({ headers: { q: "x's", n: 'x' } }),
      ),
      true,
    );
  });

  it('reads properties case-sensitively, as Camel does', () => {
    assert.equal(compilePredicate("${property.Customer} = 'ACME'", 'simple').test(exchange), false);
    assert.equal(compilePredicate("${exchangeProperty.customer} = 'ACME'", 'simple').test(exchange), true);
  });
});
