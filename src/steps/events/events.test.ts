import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

const after = "- contentModifier: { headers: [{ name: after, value: 'yes' }] }";
const failing = '- jsonToXml: { name: Convert }';
const handledBy = (steps: string) => ({ flow: `exceptionSubprocess:\n  steps:\n    ${steps}` });

describe('end events', () => {
  it('end and terminate stop the message, which completes as it is', async () => {
    for (const kind of ['end', 'terminate']) {
      const ex = await runSteps(`- ${kind}: {}\n${after}`, { body: 'kept' });
      assert.equal(ex.message.headers.has('after'), false, kind);
      assert.equal(ex.message.body.text(), 'kept', kind);
      assert.equal(ex.log.status, 'COMPLETED', kind);
    }
  });

  it('end in the exception subprocess handles the error: the message completes', async () => {
    const ex = await runSteps(failing, { body: 'not json' }, handledBy('- end: {}'));
    assert.equal(ex.log.status, 'COMPLETED');
  });

  it('errorEnd in the exception subprocess fails the message with the error being handled', async () => {
    const { error, entry } = await failSteps(failing, { body: 'not json' }, handledBy('- errorEnd: {}'));
    assert.equal(entry.status, 'FAILED');
    assert.equal(error.code, 'CW_ERR_CONVERSION');
    assert.match(
      error.message,
      /^Step 'Convert' \(steps\[0\]\.jsonToXml\): the message body is not valid JSON/,
    );
    assert.equal(entry.error, error.message);
    assert.ok(error.hint);
  });

  it('escalationEnd ends the message ESCALATED with the error being handled', async () => {
    const { error, entry } = await failSteps(failing, { body: 'not json' }, handledBy('- escalationEnd: {}'));
    assert.equal(entry.status, 'ESCALATED');
    assert.equal(error.code, 'CW_ERR_ESCALATION');
    assert.match(entry.error ?? '', /the message body is not valid JSON/);
  });

  it('errorEnd in the main process fails the message, the log naming the step', async () => {
    const { error, entry, failedStep } = await failSteps(`- errorEnd: { name: Reject }\n${after}`);
    assert.equal(entry.status, 'FAILED');
    assert.equal(error.code, 'CW_ERR_ERROR_END');
    assert.equal(error.message, 'The flow ended with an Error End event.');
    assert.equal(failedStep?.step, 'Reject');
    assert.deepEqual(
      entry.steps.map((s) => s.kind),
      ['errorEnd'],
    );
  });

  it('reports options they do not take, and options that are not a map, with a hint', () => {
    for (const kind of ['end', 'errorEnd', 'escalationEnd', 'terminate']) {
      // Columns of the option key in "- kind: { reason", and of the value in "- kind: now".
      const key = kind.length + 7;
      const value = kind.length + 5;
      assert.deepEqual(
        describeErrors(`- ${kind}: { reason: done }`),
        [`1:${key} steps[0].${kind}.reason: unknown option 'reason' (hint: Valid options: name)`],
        kind,
      );
      assert.deepEqual(
        describeErrors(`- ${kind}: now`),
        [
          `1:${value} steps[0].${kind}: expected object, got "now" (hint: Write a map: "key: value" lines indented under it, or { key: value }; {} for an empty one.)`,
        ],
        kind,
      );
    }
    assert.deepEqual(describeErrors('- end: { name: [a] }'), [
      '1:16 steps[0].end.name: \'name\': expected string, got ["a"] (hint: Label shown in the message processing log)',
    ]);
  });
});
