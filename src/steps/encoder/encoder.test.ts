import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { UserError } from '../../errors.ts';
import { runSteps } from '../../testing/run-steps.ts';

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
});
