import assert from 'node:assert/strict';
import { it } from 'node:test';
import { uuidv7 } from './ids.ts';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('makes RFC 9562 version 7 UUIDs that carry the time', () => {
  const id = uuidv7(0x0192_3456_789a);
  assert.match(id, FORMAT);
  assert.equal(id.slice(0, 13), '01923456-789a');
});

it('keeps ids in order within one millisecond and across many', () => {
  const ids = Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, FORMAT);
  const later = uuidv7(1_700_000_000_500);
  assert.ok(later > ids.at(-1)!);
});

it('differs between calls in their random part', () => {
  const a = uuidv7();
  const b = uuidv7();
  assert.notEqual(a.slice(19), b.slice(19));
});
