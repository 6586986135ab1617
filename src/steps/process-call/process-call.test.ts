import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClearFailure, describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

const processes = (...lines: string[]) => ({ flow: ['localProcesses:', ...lines].join('\n') });

describe('processCall', () => {
  it('runs the local process on the message and goes on with its changes', async () => {
    const ex = await runSteps(
      '- processCall: { process: enrich }\n- contentModifier: { headers: [{ name: after, source: header, value: added }] }',
      { body: '{"id":7}' },
      processes(
        '  enrich:',
        '    steps:',
        "      - contentModifier: { headers: [{ name: added, source: jsonpath, value: '$.id' }] }",
      ),
    );
    assert.equal(ex.message.headers.get('added'), 7);
    assert.equal(ex.message.headers.get('after'), 7);
  });

  it('lets local processes call each other, in any order of declaration', async () => {
    const ex = await runSteps(
      '- processCall: { process: first }',
      {},
      processes(
        '  first: { steps: [ { processCall: { process: second } } ] }',
        "  second: { steps: [ { contentModifier: { body: { value: 'from second' } } } ] }",
      ),
    );
    assert.equal(ex.message.body.text(), 'from second');
  });

  it('fails the message with the error of a step in the local process, logging that step', async () => {
    const failure = await failSteps(
      '- processCall: { name: Convert, process: convert }',
      { body: 'not json' },
      processes('  convert: { steps: [ { jsonToXml: {} } ] }'),
    );
    assertClearFailure(failure, {
      code: 'CW_ERR_CONVERSION',
      step: 'localProcesses.convert.steps[0].jsonToXml',
      message: /^Step localProcesses\.convert\.steps\[0\]\.jsonToXml: the message body is not valid JSON/,
    });
    assert.deepEqual(
      failure.entry.steps.map((s) => s.step),
      ['localProcesses.convert.steps[0].jsonToXml', 'Convert'],
    );
  });

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

  it('reports an unknown or missing process at the option, with a hint', () => {
    assert.deepEqual(
      describeErrors('- processCall: { process: enrch }', processes('  enrich: { steps: [] }')),
      ["1:27 steps[0].processCall.process: unknown local process 'enrch' (hint: Did you mean 'enrich'?)"],
    );
    assert.deepEqual(describeErrors('- processCall: { process: enrich }'), [
      `1:27 steps[0].processCall.process: unknown local process 'enrich' (hint: Declare it under "localProcesses:".)`,
    ]);
    assert.deepEqual(describeErrors('- processCall: {}'), [
      "1:16 steps[0].processCall: missing required option 'process' (hint: Name of the local integration process to run)",
    ]);
    assert.deepEqual(describeErrors('- processCall: { process: [a] }'), [
      '1:27 steps[0].processCall.process: \'process\': expected string, got ["a"] (hint: Name of the local integration process to run)',
    ]);
  });

  it('reports bad steps inside a local process at their own line', () => {
    // Line 7 of the flow file: id, steps:, the process call, then localProcesses, p, steps:, the step.
    assert.deepEqual(
      describeErrors(
        '- processCall: { process: p }',
        processes('  p:', '    steps:', '      - contentModifer: {}'),
      ),
      [
        "7:9 localProcesses.p.steps[0].contentModifer: unknown step 'contentModifer' (hint: Did you mean 'contentModifier'?)",
      ],
    );
  });
});
