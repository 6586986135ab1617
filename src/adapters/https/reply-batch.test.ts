import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { replyAtTurnEnd } from './reply-batch.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('replyAtTurnEnd', () => {
  test('replies due in one turn are written together at its end, in the order they came', async () => {
    const order: string[] = [];
    replyAtTurnEnd(() => order.push('first'));
    replyAtTurnEnd(() => order.push('second'));
    order.push('the rest of the turn');
    await nextTurn();
    assert.deepEqual(order, ['the rest of the turn', 'first', 'second']);
  });

  test('a reply that becomes due while a batch is written goes with the next turn', async () => {
    const order: string[] = [];
    replyAtTurnEnd(() => {
      order.push('first');
      replyAtTurnEnd(() => order.push('later'));
    });
    await nextTurn();
    assert.deepEqual(order, ['first']);
    await nextTurn();
    assert.deepEqual(order, ['first', 'later']);
  });

  test('a write that throws does not hold up the others, and is reported', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const order: string[] = [];
    replyAtTurnEnd(() => {
      throw new Error('socket gone');
    });
    replyAtTurnEnd(() => order.push('next'));
    await nextTurn();
    assert.deepEqual(order, ['next']);
    assert.equal(logged.mock.callCount(), 1);
    assert.match(String(logged.mock.calls[0].arguments[1]), /socket gone/);
  });
});
