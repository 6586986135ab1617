import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Headers } from './headers.ts';

describe('Headers', () => {
  test('finds a header whatever the case, and keeps the name as first set', () => {
    const headers = new Headers({ 'content-type': 'application/json' });
    headers.set('Content-Type', 'text/plain');
    assert.equal(headers.get('CONTENT-TYPE'), 'text/plain');
    assert.deepEqual(headers.names(), ['content-type']);
  });

  test('forEach and iteration give the same names and values, in the order set', () => {
    const headers = new Headers([
      ['X-One', 1],
      ['x-two', 'two'],
    ]);
    headers.set('X-ONE', 'one');
    const seen: Array<[string, unknown]> = [];
    headers.forEach((value, name) => {
      seen.push([name, value]);
    });
    assert.deepEqual(seen, [
      ['X-One', 'one'],
      ['x-two', 'two'],
    ]);
    assert.deepEqual([...headers], seen);
  });

  test('setKeyed is set with the lower-cased name given; forEach passes that key', () => {
    const headers = new Headers({ camelhttpmethod: 'GET' });
    headers.setKeyed('camelhttpmethod', 'CamelHttpMethod', 'POST');
    headers.setKeyed('camelhttppath', 'CamelHttpPath', '/a');
    assert.equal(headers.get('CAMELHTTPMETHOD'), 'POST');
    assert.equal(headers.get('CamelHttpPath'), '/a');
    assert.equal(headers.getKeyed('camelhttppath'), '/a');
    assert.equal(headers.getKeyed('CamelHttpPath'), undefined, 'getKeyed takes the lower-cased name');
    const seen: string[] = [];
    headers.forEach((_value, name, key) => {
      seen.push(`${name}=${key}`);
    });
    assert.deepEqual(seen, ['camelhttpmethod=camelhttpmethod', 'CamelHttpPath=camelhttppath']);
  });

  test('a clone changes without touching the original', () => {
    const headers = new Headers({ a: '1' });
    const copy = headers.clone();
    copy.set('A', '2');
    copy.delete('b');
    assert.equal(headers.get('a'), '1');
    assert.equal(copy.get('a'), '2');
  });
});
