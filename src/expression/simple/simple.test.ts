// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are Simple sources
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import { compileExpression, compileTemplate } from '../index.ts';

const fixed = new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 45)); // 2024-03-05T07:08:09.045Z

function exchange(): Exchange {
  return new Exchange({
    body: '  42 ',
    headers: {
      Count: 7,
      Name: 'Bob',
      Sent: fixed,
      Epoch: fixed.getTime(),
      Iso: '2024-03-05T07:08:09.045Z',
      Bad: 'soon',
    },
    properties: { total: 250, when: fixed, nested: { a: 1 } },
    flowId: 'order-intake',
  });
}

const value = (source: string, ex = exchange()) => compileExpression(source, 'simple').evaluate(ex);

describe('Simple values', () => {
  it('gives the raw value when the source is exactly one function', () => {
    assert.equal(value('${header.Count}'), 7);
    assert.equal(value('${property.total}'), 250);
    assert.deepEqual(value('${property.nested}'), { a: 1 });
    assert.equal(value('${header.missing}'), undefined);
    assert.equal(value('${null}'), null);
    assert.equal(value('${date:header.Sent}'), fixed);
  });

  it('gives text when functions are mixed with text', () => {
    assert.equal(value('n=${header.Count}'), 'n=7');
    assert.equal(value('${header.Count}${header.Count}'), '77');
    assert.equal(value('[${header.missing}]'), '[]');
    assert.equal(value('${property.nested}!'), '{"a":1}!');
    assert.equal(value('${null}x'), 'x');
  });

  it('keeps text without functions as it is', () => {
    assert.equal(value('plain text, $ and { }'), 'plain text, $ and { }');
    assert.equal(value(''), '');
  });

  const cases: Array<[source: string, expected: unknown]> = [
    ['${body}', '  42 '],
    ['${in.body}', '  42 '],
    ['${bodyAs(String)}', '  42 '],
    ['${bodyAs(java.lang.String)}', '  42 '],
    ['${bodyAs(Integer)}', 42],
    ['${bodyAs(Long)}', 42],
    ['${bodyAs(Double)}', 42],
    ['${headerAs(Count,String)}', '7'],
    ['${headerAs(Count,Boolean)}', undefined],
    ['${camelId}', 'order-intake'],
    ['${camelContext.name}', 'order-intake'],
    ['${header[Name]}', 'Bob'],
    ["${header['Name']}", 'Bob'],
    ['${date:header.Sent:yyyy-MM-dd}', '2024-03-05'],
    ['${date-with-timezone:header.Epoch:UTC:HH:mm:ss.SSS}', '07:08:09.045'],
    ['${date-with-timezone:header.Iso:Europe/Berlin:yyyy-MM-dd HH:mm XXX}', '2024-03-05 08:08 +01:00'],
    ['${date-with-timezone:property.when:America/New_York:yyyy-MM-dd hh:mm a z}', '2024-03-05 02:08 AM EST'],
    ['${date-with-timezone:exchangeProperty.when:UTC:EEE}', 'Tue'],
    ['${date-with-timezone:header.Sent-1d:UTC:yyyy-MM-dd}', '2024-03-04'],
    ['${date-with-timezone:header.Sent+2h30m:UTC:HH:mm}', '09:38'],
    ['${date-with-timezone:header.Sent-1h+15m-100:UTC:HH:mm:ss.SSS}', '06:23:08.945'],
    ["${date-with-timezone:header.Sent:Asia/Kolkata:yyyy-MM-dd'T'HH:mm:ssXXX}", '2024-03-05T12:38:09+05:30'],
  ];
  for (const [source, expected] of cases) {
    it(source, () => {
      if (expected === undefined) assert.throws(() => value(source), { code: 'CW_ERR_EXPRESSION_EVAL' });
      else assert.deepEqual(value(source), expected);
    });
  }

  it('reads ids and the current time', () => {
    const ex = exchange();
    assert.equal(value('${exchangeId}', ex), ex.id);
    assert.equal(value('${messageId}', ex), ex.id);
    const before = Date.now();
    const now = value('${date:now}') as Date;
    assert.ok(now instanceof Date && now.getTime() >= before && now.getTime() <= Date.now());
    const today = value('${date-with-timezone:now:UTC:yyyy-MM-dd}');
    assert.equal(today, new Date().toISOString().slice(0, 10));
    const yesterday = value('${date-with-timezone:now-24h:UTC:yyyy-MM-dd}');
    assert.equal(yesterday, new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
  });

  it('reads the exception being handled', () => {
    const ex = exchange();
    assert.equal(value('${exception.message}', ex), undefined);
    ex.exception = new UserError('CW_ERR_RECEIVER', 'backend down');
    assert.equal(value('${exception.message}', ex), 'backend down');
    assert.match(value('${exception.stacktrace}', ex) as string, /backend down\n\s+at /);
    assert.equal(value('Failed: ${exception}', ex), 'Failed: UserError: backend down');
  });

  it('draws random numbers in [min, max)', () => {
    const seen = new Set<unknown>();
    for (let i = 0; i < 200; i++) seen.add(value('${random(3,6)}'));
    assert.deepEqual([...seen].sort(), [3, 4, 5]);
    for (let i = 0; i < 50; i++) assert.ok((value('${random(2)}') as number) < 2);
  });

  it('evaluates ${xpath.…} against the XML body', () => {
    const ex = new Exchange({ body: '<o:Order xmlns:o="urn:o"><o:Id>17</o:Id></o:Order>' });
    const expression = compileExpression('id=${xpath./o:Order/o:Id}', 'simple', {
      namespaces: { o: 'urn:o' },
    });
    assert.equal(expression.evaluate(ex), 'id=17');
  });

  it('fails at run time with the expression named, and the cause', () => {
    const cases: Array<[source: string, message: RegExp]> = [
      ['${bodyAs(Boolean)}', /' {2}42 ' is not a Boolean/],
      ['${date:header.Bad:yyyy}', /header 'Bad' holds 'soon', not a date/],
      ['${date:header.missing:yyyy}', /header 'missing' holds nothing/],
      ['${xpath./a}', /XPath expression '\/a' failed: .*root element/],
    ];
    for (const [source, message] of cases) {
      assert.throws(
        () => value(source),
        (error: unknown) =>
          error instanceof UserError &&
          error.code === 'CW_ERR_EXPRESSION_EVAL' &&
          error.message.includes(source) &&
          message.test(error.message),
        source,
      );
    }
  });
});

describe('compileTemplate', () => {
  it('interpolates into text', () => {
    const template = compileTemplate('/orders/${header.Count}/${property.total}?by=${header.Name}');
    assert.equal(template(exchange()), '/orders/7/250?by=Bob');
  });

  it('gives text even for a single function', () => {
    assert.equal(compileTemplate('${header.Count}')(exchange()), '7');
    assert.equal(compileTemplate('${header.missing}')(exchange()), '');
  });

  it('returns a constant function for text without ${', () => {
    const template = compileTemplate('https://example.org/api');
    assert.equal(template(exchange()), 'https://example.org/api');
    assert.equal(template.length, 0, 'the constant function ignores the exchange');
  });
});
