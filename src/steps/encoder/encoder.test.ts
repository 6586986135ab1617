import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { UserError } from '../../errors.ts';
import { assertClearFailure, describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

const conversionFailure = (pattern: RegExp) => (error: unknown) =>
  error instanceof UserError &&
  error.code === 'CW_ERR_CONVERSION' &&
  pattern.test(error.message) &&
  !!error.hint;

const text = '<order id="1">Grüße ✓</order>';

describe('encoder and decoder', () => {
  it('encodes Base64 as CPI does and decodes it back (whitespace allowed)', async () => {
    const encoded = await runSteps('- encoder: { encoding: base64 }', { body: 'hello' });
    assert.equal(encoded.message.body.text(), 'aGVsbG8=');
    const decoded = await runSteps('- decoder: { encoding: base64 }', { body: 'aGVs\r\nbG8=' });
    assert.equal(decoded.message.body.text(), 'hello');
  });

  for (const encoding of ['base64', 'gzip', 'deflate', 'zip']) {
    it(`round-trips ${encoding}`, async () => {
      const ex = await runSteps(
        `- encoder: { encoding: ${encoding} }\n- decoder: { encoding: ${encoding} }`,
        { body: text },
      );
      assert.equal(ex.message.body.text(), text);
    });
  }

  it('writes gzip that other tools read, with Content-Encoding', async () => {
    const ex = await runSteps('- encoder: { encoding: gzip }', { body: text });
    const { gunzipSync } = await import('node:zlib');
    assert.equal(gunzipSync(ex.message.body.buffer()).toString(), text);
    assert.equal(ex.message.headers.get('Content-Encoding'), 'gzip');
    const decoded = await runSteps('- decoder: { encoding: gzip }', { body: gzipSync(Buffer.from(text)) });
    assert.equal(decoded.message.body.text(), text);
  });

  it('names the ZIP entry and extracts the only one, or the one named', async () => {
    const ex = await runSteps('- encoder: { encoding: zip, entryName: order.xml }', { body: text });
    const { unzipSync } = await import('fflate');
    assert.deepEqual(Object.keys(unzipSync(ex.message.body.buffer())), ['order.xml']);
    const two = Buffer.from(zipSync({ 'a.txt': Buffer.from('A'), 'b.txt': Buffer.from('B') }));
    const picked = await runSteps('- decoder: { encoding: zip, entryName: b.txt }', { body: two });
    assert.equal(picked.message.body.text(), 'B');
    await assert.rejects(
      runSteps('- decoder: { encoding: zip }', { body: two }),
      conversionFailure(/holds 2 files \(a\.txt, b\.txt\)/),
    );
    await assert.rejects(
      runSteps('- decoder: { encoding: zip, entryName: c.txt }', { body: two }),
      conversionFailure(/no file 'c\.txt'/),
    );
  });

  it('fails on input that is not in the encoding', async () => {
    await assert.rejects(
      runSteps('- decoder: { encoding: base64 }', { body: 'not base64!' }),
      conversionFailure(/Base64 alphabet/),
    );
    await assert.rejects(
      runSteps('- decoder: { encoding: gzip }', { body: 'plain text' }),
      conversionFailure(/not valid gzip/),
    );
    await assert.rejects(
      runSteps('- decoder: { encoding: deflate }', { body: 'plain text' }),
      conversionFailure(/not valid deflate/),
    );
    await assert.rejects(
      runSteps('- decoder: { encoding: zip }', { body: 'plain text' }),
      conversionFailure(/not valid zip/),
    );
  });

  it('ends a message it cannot decode FAILED, naming the step in the log', async () => {
    assertClearFailure(await failSteps('- decoder: { name: Unzip, encoding: gzip }', { body: '' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'Unzip',
      message: /^Step 'Unzip' \(steps\[0\]\.decoder\): the message body is not valid gzip data/,
    });
  });

  it('reports a missing or unknown encoding and an empty entry name with line, column and hint', () => {
    assert.deepEqual(describeErrors('- encoder: {}'), [
      "1:12 steps[0].encoder: missing required option 'encoding' (hint: base64, gzip, zip (one file) or deflate (raw, without a zlib header).)",
    ]);
    assert.deepEqual(describeErrors('- encoder: { encoding: base32 }'), [
      "1:24 steps[0].encoder.encoding: 'base32' is not one of 'base64', 'gzip', 'zip', 'deflate' (hint: Did you mean 'base64'? base64, gzip, zip (one file) or deflate (raw, without a zlib header).)",
    ]);
    assert.deepEqual(describeErrors("- encoder:\n    encoding: zip\n    entryName: ''"), [
      '3:16 steps[0].encoder.entryName: \'entryName\': expected string length greater or equal to 1, got "" (hint: File name inside the ZIP archive.)',
    ]);
    assert.deepEqual(describeErrors('- decoder: { encoding: zip, entry: a.xml }'), [
      "1:29 steps[0].decoder.entry: unknown option 'entry' (hint: Valid options: name, encoding, entryName)",
    ]);
    assert.match(
      describeErrors('- decoder: { encoding: Base64 }')[0] ?? 'nothing reported',
      /^1:24 .*'Base64' is not one of .*\(hint: Did you mean 'base64'\?/,
    );
  });
});
