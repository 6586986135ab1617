import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClearFailure, describeErrors, failSteps, runSteps } from '../../testing/run-steps.ts';

/** A local process `count` that appends the loop index to the body. */
const counting = {
  flow: [
    'localProcesses:',
    '  count:',
    '    steps:',
    "      - contentModifier: { body: { value: '${in.body}${property.CamelLoopIndex}' } }",
  ].join('\n'),
};

describe('loopingProcessCall', () => {
  it('runs the process while the condition holds, checked after each run', async () => {
    const ex = await runSteps(
      "- loopingProcessCall: { process: count, condition: '${property.CamelLoopIndex} < 3' }",
      { body: '' },
      counting,
    );
    assert.equal(ex.message.body.text(), '0123');
  });

  it('with onLimit exit, goes on after maxIterations runs', async () => {
    const ex = await runSteps(
      "- loopingProcessCall: { process: count, condition: 'true', maxIterations: 3, onLimit: exit }\n" +
        "- contentModifier: { headers: [{ name: after, value: 'yes' }] }",
      { body: '' },
      counting,
    );
    assert.equal(ex.message.body.text(), '012');
    assert.equal(ex.message.headers.get('after'), 'yes');
  });

  it('fails a message still looping at the limit, naming the process and the condition', async () => {
    assertClearFailure(
      await failSteps(
        "- loopingProcessCall: { name: Pages, process: count, condition: 'true', maxIterations: 2 }",
        { body: '' },
        counting,
      ),
      {
        code: 'CW_ERR_LOOP_LIMIT',
        step: 'Pages',
        message:
          /^Looping process call 'count' reached 2 iterations with its condition still true \(true\)\.$/,
      },
    );
  });

  it('fails a message an XPath condition cannot read, naming the XPath', async () => {
    assertClearFailure(
      await failSteps(
        "- loopingProcessCall: { process: count, language: xpath, condition: '/page/@more = 1' }",
        { body: '' },
        counting,
      ),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].loopingProcessCall',
        message: /^XPath expression '\/page\/@more = 1' failed: The message body is not well-formed XML/,
      },
    );
  });

  it('reports bad options and conditions with line, column and hint', () => {
    // Options are checked first; a step whose options are wrong is not compiled further.
    assert.deepEqual(
      describeErrors(
        ['- loopingProcessCall:', '    process: count', "    condition: '${property.more = true'"].join('\n'),
        counting,
      ),
      [
        "3:17 steps[0].loopingProcessCall.condition: Invalid Simple expression '${property.more = true': '${' is not closed (at offset 0) (hint: Close the function with '}', as in ${header.name}.)",
      ],
    );
    assert.deepEqual(
      describeErrors(
        [
          '- loopingProcessCall:',
          '    process: count',
          "    condition: 'true'",
          '    maxIterations: 0',
          '    onLimit: stop',
        ].join('\n'),
        counting,
      ),
      [
        "4:20 steps[0].loopingProcessCall.maxIterations: 'maxIterations': expected integer to be greater or equal to 1, got 0 (hint: Upper bound of runs)",
        "5:14 steps[0].loopingProcessCall.onLimit: 'stop' is not one of 'exit', 'error' (hint: At the limit with the condition still true: continue with the next step, or fail)",
      ],
    );
    assert.deepEqual(
      describeErrors("- loopingProcessCall: { process: count, condition: '/a', language: XPath }", counting),
      [
        "1:68 steps[0].loopingProcessCall.language: 'XPath' is not one of 'simple', 'xpath' (hint: Did you mean 'xpath'?)",
      ],
    );
    assert.deepEqual(describeErrors('- loopingProcessCall: { process: count }', counting), [
      "1:23 steps[0].loopingProcessCall: missing required option 'condition' (hint: Simple or XPath condition; the loop goes on while it is true)",
    ]);
  });
});
