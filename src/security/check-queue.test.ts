import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OperationalError } from '../errors.ts';
import { CheckQueue } from './check-queue.ts';

/** A task that finishes when the test says so. */
function gate() {
  let open!: (value: string) => void;
  const done = new Promise<string>((resolve) => {
    open = resolve;
  });
  return { open, task: () => done };
}

const isBusy = (pattern: RegExp) => (error: unknown) =>
  error instanceof OperationalError &&
  error.code === 'CW_ERR_AUTH_BUSY' &&
  error.retryable &&
  pattern.test(error.message) &&
  !!error.hint;

test('runs at most inFlight tasks at once, the rest in arrival order', async () => {
  const queue = new CheckQueue({ inFlight: 2, queued: 10, perUser: 10 });
  const gates = [gate(), gate(), gate(), gate()];
  const started: number[] = [];
  const results = gates.map((g, i) =>
    queue.run(`u${i}`, () => {
      started.push(i);
      return g.task();
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(queue.load, { running: 2, waiting: 2 });
  gates[1].open('b');
  assert.equal(await results[1], 'b');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1, 2], 'the freed slot goes to the first waiter');
  for (const g of gates) g.open('x');
  await Promise.all(results);
  assert.deepEqual(queue.load, { running: 0, waiting: 0 });
});

test('a full queue refuses at once instead of waiting', async () => {
  const queue = new CheckQueue({ inFlight: 1, queued: 2, perUser: 10 });
  const g = gate();
  const held = [queue.run('a', g.task), queue.run('b', g.task), queue.run('c', g.task)];
  const started = performance.now();
  await assert.rejects(queue.run('d', g.task), isBusy(/waiting \(2\)/));
  assert.ok(performance.now() - started < 20);
  g.open('ok');
  assert.deepEqual(await Promise.all(held), ['ok', 'ok', 'ok']);
  assert.equal(await queue.run('d', async () => 'later'), 'later', 'room again once the queue drains');
});

test('one user name cannot hold more than perUser checks; other names still get in', async () => {
  const queue = new CheckQueue({ inFlight: 1, queued: 10, perUser: 2 });
  const g = gate();
  const held = [queue.run('alice', g.task), queue.run('alice', g.task)];
  await assert.rejects(queue.run('alice', g.task), isBusy(/one user/));
  const other = queue.run('bob', g.task);
  g.open('ok');
  await Promise.all([...held, other]);
  assert.equal(await queue.run('alice', async () => 'again'), 'again');
});

test('a failing task frees its slot and its user count', async () => {
  const queue = new CheckQueue({ inFlight: 1, queued: 0, perUser: 1 });
  await assert.rejects(
    queue.run('alice', async () => {
      throw new Error('scrypt failed');
    }),
    /scrypt failed/,
  );
  assert.deepEqual(queue.load, { running: 0, waiting: 0 });
  assert.equal(await queue.run('alice', async () => 'fine'), 'fine');
});
