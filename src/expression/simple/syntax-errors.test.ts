// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are Simple sources
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../errors.ts';
import { compileExpression, compilePredicate, compileTemplate, ExpressionSyntaxError } from '../index.ts';

/** Each case: the source, the offset the error must point at, and words the message must contain. */
type Case = [source: string, offset: number, message: RegExp, hint?: RegExp];

function assertSyntaxError(compile: () => unknown, [source, offset, message, hint]: Case): void {
  assert.throws(compile, (error: unknown) => {
    assert.ok(error instanceof ExpressionSyntaxError, `expected ExpressionSyntaxError for ${source}`);
    assert.ok(error instanceof UserError);
    assert.equal(error.code, 'CW_ERR_EXPRESSION');
    assert.equal(error.offset, offset, `offset for ${source}: ${error.message}`);
    assert.match(error.message, message);
    assert.ok(error.hint && error.hint.length > 10, 'a hint says how to fix it');
    if (hint) assert.match(error.hint, hint);
    return true;
  });
}

describe('Simple expression syntax errors', () => {
  const cases: Case[] = [
    ['${header.x', 0, /'\$\{' is not closed/, /Close the function/],
    ['Order ${header.id} from ${property.sender', 24, /not closed/],
    ['${foo.bar}', 2, /unknown function 'foo\.bar'/, /\$\{header\.name\}/],
    ['id: ${}', 6, /the function is empty/],
    ['${header.}', 9, /header name is missing/],
    ['${header[id}', 11, /'\[' after header is not closed/],
    ['${bodyAs(Strin)}', 9, /unknown type 'Strin'/, /Integer/],
    ['${headerAs(id,Money)}', 14, /unknown type 'Money'/],
    ['${bodyAs(String}', 15, /not closed/],
    ['${date:now:yyyy-MM-dd T}', 22, /'T' is not a date pattern letter/, /single quotes/],
    ["${date:now:'open}", 11, /not closed/],
    ['${date:tomorrow:yyyy}', 7, /unknown date command 'tomorrow'/],
    ['${date-with-timezone:now:Mars/Base:HH}', 25, /unknown time zone 'Mars\/Base'/, /IANA/],
    ['${date-with-timezone:now:yyyy}', 29, /time zone or the pattern is missing/],
    ['${random(5,1)}', 9, /min < max/],
    ['${random(a,b)}', 9, /whole numbers/],
    ['${body.order.id}', 6, /reads into the body/, /xpath/],
    ['${header.${property.name}}', 9, /cannot contain another/, /nested/],
    ['${xpath./a/[b}', 11, /XPath: unexpected '\['/],
    ['${xpath.//x:b}', 10, /prefix 'x' is not mapped/],
  ];
  for (const c of cases) it(c[0], () => assertSyntaxError(() => compileExpression(c[0], 'simple'), c));

  it('templates report the same errors', () => {
    assertSyntaxError(() => compileTemplate('/orders/${header.id'), ['/orders/${header.id', 8, /not closed/]);
  });
});

describe('Simple predicate syntax errors', () => {
  const cases: Case[] = [
    ["${header.x} equals 'a'", 12, /unknown operator 'equals'/, /contains/],
    ["${header.x} 'a'", 12, /unknown operator ''a''/],
    ['${header.x} =', 13, /missing operand after '='/],
    ["${header.x} = 'a' and", 21, /missing operand/],
    ["${header.x} = 'a' or or ${header.y}", 21, /missing operand/],
    ['= 5', 0, /missing operand/],
    ['', 0, /condition is empty/],
    ['   ', 3, /condition is empty/],
    ["${header.x} != and ${header.y} = 'b'", 15, /missing operand after '!='/],
    ["(${header.x} = 'a'", 18, /expected '\)' to close the '\(' at offset 0/],
    ["${header.x} = 'a')", 17, /'\)' has no matching '\('/],
    ["${header.x} = 'a' 'b'", 18, /expected 'and', 'or' or the end/],
    ["${header.x} = 'open", 14, /text starting with ' is not closed/],
    ['${header.x} = "open', 14, /text starting with " is not closed/],
    ["${header.x} not 'a'", 12, /unknown operator 'not'/],
    ["${header.x} regex '[a-'", 18, /bad regular expression/, /whole value/],
    ["${header.x} range '1-10'", 18, /'1-10' is not a range/, /1\.\.100/],
    ["${header.x} = 'a' and ${nope}", 24, /unknown function 'nope'/],
    ["${header.x} = '${header.y'", 15, /not closed/],
    ["${header.x} => 'a'", 12, /unknown operator '=>'/],
    ["${header.x} === 'a'", 12, /unknown operator '==='/],
  ];
  for (const c of cases)
    it(c[0] || '(empty)', () => assertSyntaxError(() => compilePredicate(c[0], 'simple'), c));
});
