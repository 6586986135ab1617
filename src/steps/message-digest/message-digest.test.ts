import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';

describe('messageDigest', () => {
  it('writes SHA-256 as Base64 into SapMessageDigest by default', async () => {
    const ex = await runSteps('- messageDigest: {}', { body: 'abc' });
    assert.equal(ex.message.headers.get('SapMessageDigest'), 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    assert.equal(ex.message.body.text(), 'abc');
  });

  const known: Record<string, string> = {
    'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'SHA-1': 'a9993e364706816aba3e25717850c26c9cd0d89d',
    MD5: '900150983cd24fb0d6963f7d28e17f72',
    'SHA-512':
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  };
  for (const [algorithm, hex] of Object.entries(known)) {
    it(`computes ${algorithm} in hex into a chosen header`, async () => {
      const ex = await runSteps(`- messageDigest: { algorithm: ${algorithm}, encoding: hex, target: hash }`, {
        body: 'abc',
      });
      assert.equal(ex.message.headers.get('hash'), hex);
    });
  }

  it('digests only the nodes filterXpath selects', async () => {
    const a = await runSteps("- messageDigest: { filterXpath: '/o/items', encoding: hex }", {
      body: '<o><id>1</id><items><i>abc</i></items></o>',
    });
    const b = await runSteps("- messageDigest: { filterXpath: '/o/items', encoding: hex }", {
      body: '<o><id>2</id><items><i>abc</i></items></o>',
    });
    const whole = await runSteps('- messageDigest: { encoding: hex }', { body: '<items><i>abc</i></items>' });
    assert.equal(a.message.headers.get('SapMessageDigest'), b.message.headers.get('SapMessageDigest'));
    assert.equal(a.message.headers.get('SapMessageDigest'), whole.message.headers.get('SapMessageDigest'));
  });

  it('rejects an unknown algorithm and a bad XPath at load time', () => {
    assert.equal(stepErrors('- messageDigest: { algorithm: SHA-3 }').length, 1);
    assert.equal(stepErrors("- messageDigest: { filterXpath: '/o/[' }").length, 1);
  });

  it('reports every bad option with line, column and hint', () => {
    assert.deepEqual(describeErrors('- messageDigest: { algorithm: sha256 }'), [
      "1:31 steps[0].messageDigest.algorithm: 'sha256' is not one of 'SHA-256', 'SHA-1', 'SHA-512', 'MD5' (hint: Did you mean 'SHA-256'? SHA-256, SHA-1, SHA-512 or MD5.)",
    ]);
    assert.deepEqual(describeErrors("- messageDigest:\n    filterXpath: '/o/['"), [
      "2:22 steps[0].messageDigest.filterXpath: Invalid XPath expression '/o/[': unexpected '[' (at offset 3) (hint: Write an XPath 1.0 expression, for example /ns0:Order/Total or count(//Item) > 2 (string literals in '…').)",
    ]);
    assert.deepEqual(describeErrors("- messageDigest: { target: '' }"), [
      '1:28 steps[0].messageDigest.target: \'target\': expected string length greater or equal to 1, got "" (hint: Header that receives the digest.)',
    ]);
    assert.match(
      describeErrors('- messageDigest: { header: x }')[0],
      /unknown option 'header' \(hint: Valid options: name, algorithm, target, encoding, filterXpath\)/,
    );
  });

  it('fails a message whose body filterXpath cannot read, naming the XPath', async () => {
    assertClearFailure(
      await failSteps("- messageDigest: { filterXpath: '/o/items' }", { body: '{"o":{"items":[]}}' }),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].messageDigest',
        message: /^XPath expression '\/o\/items' failed: The message body is not well-formed XML/,
      },
    );
  });
});
