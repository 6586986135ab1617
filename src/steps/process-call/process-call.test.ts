import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClearFailure, failSteps } from '../../testing/run-steps.ts';

const processes = (...lines: string[]) => ({ flow: ['localProcesses:', ...lines].join('\n') });

describe('processCall', () => {
  it('stops a local process that calls itself without end, with a clear error', async () => {
    const failure = await failSteps(
      '- processCall: { process: again }',
      {},
      processes('  again: { steps: [ { processCall: { name: Again, process: again } } ] }'),
    );
    assertClearFailure(failure, {
      code: 'CW_ERR_LOOP_LIMIT',
      step: 'Again',
      message: /^Local process calls are nested 100 deep at 'again': a local process calls itself/,
    });
    assert.match(failure.error.hint ?? '', /loopingProcessCall/);
  });
});
