import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationalError, UnexpectedError, UserError } from '../../errors.ts';
import { partError } from './part-error.ts';

describe('partError', () => {
  it('puts where in front and keeps the kind, code and hint of a Causeway error', () => {
    const user = new UserError('CW_ERR_RECEIVER', 'refused', { hint: 'fix it' });
    const wrapped = partError(user, 'Splitter "s", part 2 of 3');
    assert.ok(wrapped instanceof UserError);
    assert.deepEqual(
      [wrapped.code, wrapped.message, wrapped.hint, wrapped.cause],
      ['CW_ERR_RECEIVER', 'Splitter "s", part 2 of 3: refused', 'fix it', user],
    );
    const transient = partError(
      new OperationalError('CW_ERR_RECEIVER_HTTP', 'down'),
      'Multicast "m", branch "b"',
    );
    assert.ok(transient instanceof OperationalError);
    assert.equal(transient.retryable, true);
  });

  it('gives an error without a Causeway code one, with the part in the message and a hint', () => {
    for (const thrown of [new TypeError("Cannot read properties of undefined (reading 'id')"), 'a string']) {
      const wrapped = partError(thrown, 'Splitter "s", part 2');
      assert.ok(wrapped instanceof UnexpectedError);
      assert.equal(wrapped.code, 'CW_ERR_UNEXPECTED');
      assert.equal(wrapped.retryable, false);
      assert.match(wrapped.message, /^Splitter "s", part 2: (Cannot read properties|a string$)/);
      assert.match(wrapped.hint ?? '', /bug in Causeway or in an adapter/);
      assert.equal(wrapped.cause, thrown);
    }
  });
});
