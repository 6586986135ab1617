import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyLogLevel, effectiveLevel, TRACE_TTL_MS } from './log-level.ts';
import { sampleEntry } from './mpl.fixtures.ts';

describe('effectiveLevel', () => {
  const set = 1_000_000;
  test('TRACE holds for the TTL, then falls back to INFO', () => {
    assert.equal(TRACE_TTL_MS, 600_000);
    assert.equal(effectiveLevel('TRACE', set, set), 'TRACE');
    assert.equal(effectiveLevel('TRACE', set, set + TRACE_TTL_MS - 1), 'TRACE');
    assert.equal(effectiveLevel('TRACE', set, set + TRACE_TTL_MS), 'INFO');
    assert.equal(effectiveLevel('TRACE', set, set + 5000, 5000), 'INFO');
  });
  test('TRACE without a start time is expired; other levels never change', () => {
    assert.equal(effectiveLevel('TRACE', undefined, set), 'INFO');
    for (const level of ['NONE', 'INFO', 'ERROR', 'DEBUG'] as const) {
      assert.equal(effectiveLevel(level, set, set + 10 * TRACE_TTL_MS), level);
    }
  });
});

describe('applyLogLevel', () => {
  const traced = (overrides: Parameters<typeof sampleEntry>[1]) =>
    sampleEntry(1, {
      steps: [{ step: 's', kind: 'script', startedAt: 1, durationMs: 2, payload: '<a/>' }],
      ...overrides,
    });

  test('NONE stores nothing', () => {
    assert.equal(applyLogLevel(traced({ logLevel: 'NONE', status: 'FAILED' })), undefined);
  });
  test('TRACE keeps payloads; INFO and DEBUG drop them but keep steps and receivers', () => {
    const trace = traced({ logLevel: 'TRACE' });
    assert.equal(applyLogLevel(trace), trace);
    for (const logLevel of ['INFO', 'DEBUG'] as const) {
      const stored = applyLogLevel(traced({ logLevel }))!;
      assert.deepEqual(stored.steps, [{ step: 's', kind: 'script', startedAt: 1, durationMs: 2 }]);
      assert.equal(stored.receivers.length, 1);
    }
    const plain = sampleEntry(2);
    assert.equal(applyLogLevel(plain), plain, 'no copy when there is nothing to drop');
  });
  test('ERROR keeps details of failed and escalated messages only', () => {
    for (const status of ['FAILED', 'ESCALATED'] as const) {
      const stored = applyLogLevel(traced({ logLevel: 'ERROR', status }))!;
      assert.equal(stored.steps.length, 1);
      assert.equal(stored.steps[0].payload, undefined);
      assert.equal(stored.receivers.length, 1);
    }
    const completed = applyLogLevel(traced({ logLevel: 'ERROR', status: 'COMPLETED' }))!;
    assert.deepEqual([completed.steps, completed.receivers], [[], []]);
    assert.deepEqual(completed.customHeaderProperties, [['orderId', 'O-1']]);
  });
});
