import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { Body } from './body.ts';

describe('Body', () => {
  it('reads a streamed body once, then serves text, bytes and JSON', async () => {
    const body = Body.of(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]));
    assert.equal(body.isStream, true);
    await body.materialize();
    assert.equal(body.isStream, false);
    assert.equal(body.text(), '{"a":1}');
    assert.deepEqual(body.json(), { a: 1 });
    assert.equal(body.json(), body.json(), 'parsed once');
  });

  it('refuses a streamed body over the limit', async () => {
    const body = Body.of(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]));
    await assert.rejects(body.materialize(15), { code: 'CW_ERR_BODY_TOO_LARGE' });
  });

  it('fails clearly when the sender goes away mid-body', async () => {
    const stream = new PassThrough();
    const body = Body.of(stream);
    const reading = body.materialize();
    stream.write('partial');
    stream.destroy();
    await assert.rejects(reading, { code: 'CW_ERR_BODY_INCOMPLETE' });
  });

  it('keeps data as JSON and serializes it only when text is asked for', () => {
    const body = Body.of({ id: 7 });
    assert.deepEqual(body.json(), { id: 7 });
    assert.equal(body.text(), '{"id":7}');
  });

  it('reports text that is not JSON or not XML as bad input', () => {
    assert.throws(() => Body.of('nope').json(), { code: 'CW_ERR_CONVERSION', message: /not valid JSON/ });
    assert.throws(() => Body.of('{"json": true}').xml(), {
      code: 'CW_ERR_CONVERSION',
      message: /not well-formed XML/,
    });
    assert.throws(() => Body.of('<a><b></a>').xml(), { code: 'CW_ERR_CONVERSION' });
  });

  it('parses XML once and serializes a document back to text', () => {
    const body = Body.of('<order id="1"><item/></order>');
    assert.equal(body.xml().documentElement?.getAttribute('id'), '1');
    assert.equal(Body.of(body.xml()).text(), '<order id="1"><item/></order>');
  });
});
