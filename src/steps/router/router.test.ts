// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests hold Simple sources
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';
import { routerSpec } from './router.spec.ts';

const where = (yaml: string) => stepErrors(yaml).map((d) => `${d.line}:${d.col} ${d.message}`);

const ROUTER = `
- router:
    name: By size
    routes:
      - name: big
        condition: '\${property.total} > 1000'
        steps:
          - contentModifier: { headers: [{ name: route, value: big }] }
      - name: medium
        condition: '\${property.total} > 100'
        steps:
          - contentModifier: { headers: [{ name: route, value: medium }] }
    default:
      steps:
        - contentModifier: { headers: [{ name: route, value: small }] }
- contentModifier: { headers: [{ name: after, source: expression, value: 'after \${header.route}' }] }
`;

describe('router', () => {
  it('takes the first route whose condition holds, then goes on after the router', async () => {
    for (const [total, route] of [
      [5000, 'big'],
      [500, 'medium'],
      [1000, 'medium'],
      [5, 'small'],
    ] as const) {
      const ex = await runSteps(ROUTER, { properties: { total } });
      assert.equal(ex.message.headers.get('route'), route, `total ${total}`);
      assert.equal(ex.message.headers.get('after'), `after ${route}`);
    }
  });

  it('records the route’s steps in the message log after the router', async () => {
    const ex = await runSteps(ROUTER, { properties: { total: 500 } });
    const steps = ex.log.steps.map((s) => s.step);
    assert.deepEqual(steps, [
      'steps[0].router.routes[1].steps[0].contentModifier',
      'By size',
      'steps[1].contentModifier',
    ]);
  });

  it('evaluates XPath conditions with the flow namespaces', async () => {
    const yaml = `
- router:
    routes:
      - { name: order, language: xpath, condition: 'count(/o:Order) = 1', steps: [{ contentModifier: { headers: [{ name: kind, value: order }] } }] }
      - { name: invoice, language: xpath, condition: 'count(/o:Invoice) = 1', steps: [{ contentModifier: { headers: [{ name: kind, value: invoice }] } }] }
`;
    const flow = "namespaces: { o: 'urn:o' }";
    const order = await runSteps(yaml, { body: '<Order xmlns="urn:o"/>' }, { flow });
    assert.equal(order.message.headers.get('kind'), 'order');
    const invoice = await runSteps(yaml, { body: '<o:Invoice xmlns:o="urn:o"/>' }, { flow });
    assert.equal(invoice.message.headers.get('kind'), 'invoice');
  });

  it('fails an unmatched message without a default, naming the router and the conditions', async () => {
    await assert.rejects(
      runSteps(
        `
- router:
    name: Kinds
    routes:
      - { name: a, condition: "\${header.kind} = 'a'", steps: [] }
      - { condition: "\${header.kind} = 'b'", steps: [] }
`,
        { headers: { kind: 'c' } },
      ),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'CW_ERR_ROUTER_NO_ROUTE');
        assert.equal(
          error.message,
          `Router "Kinds": no condition matched the message and there is no default route (tried a: \${header.kind} = 'a'; route 2: \${header.kind} = 'b').`,
        );
        assert.match(error.hint ?? '', /default/);
        return true;
      },
    );
  });

  it('logs an unmatched message FAILED at the router', async () => {
    assertClearFailure(
      await failSteps(
        '- router: { name: Kinds, routes: [{ condition: "${header.kind} = \'a\'", steps: [] }] }',
        {
          headers: { kind: 'b' },
        },
      ),
      { code: 'CW_ERR_ROUTER_NO_ROUTE', step: 'Kinds', message: /^Router "Kinds": no condition matched/ },
    );
  });

  it('fails a message an XPath condition cannot read, naming the condition', async () => {
    assertClearFailure(
      await failSteps(
        "- router: { routes: [{ language: xpath, condition: 'count(/Order) = 1', steps: [] }], default: { steps: [] } }",
        { body: '{"Order":{}}' },
      ),
      {
        code: 'CW_ERR_EXPRESSION_EVAL',
        step: 'steps[0].router',
        message: /^XPath expression 'count\(\/Order\) = 1' failed: The message body is not well-formed XML/,
      },
    );
  });

  it('logs the step that failed inside a route, and the router around it', async () => {
    const failure = await failSteps(
      "- router: { routes: [{ condition: 'true', steps: [{ jsonToXml: { name: To XML } }] }] }",
      { body: 'not json' },
    );
    assertClearFailure(failure, {
      code: 'CW_ERR_CONVERSION',
      step: 'To XML',
      message: /not valid JSON/,
    });
    assert.deepEqual(
      failure.entry.steps.map((s) => [s.step, s.error === failure.error.message]),
      [
        ['To XML', true],
        ['steps[0].router', true],
      ],
    );
  });

  it('passes a failure inside a route on unchanged', async () => {
    await assert.rejects(
      runSteps(`
- router:
    routes:
      - { condition: 'true', steps: [{ errorEnd: {} }] }
`),
      (error: Error & { code?: string }) => error.code === 'CW_ERR_ERROR_END',
    );
  });

  it('reports bad conditions, languages, nested steps and unknown options with line and column', () => {
    assert.deepEqual(
      where(`
- router:
    routes:
      - name: a
        condition: '\${header.x} === 1'
        steps: [{ contentModifer: {} }]
      - { condition: '/a[', language: xpath, steps: [] }
`),
      [
        "4:33 steps[0].router.routes[0].condition: Invalid Simple expression '${header.x} === 1': unknown operator '===' (at offset 12)",
        "5:19 steps[0].router.routes[0].steps[0].contentModifer: unknown step 'contentModifer'",
        "6:26 steps[0].router.routes[1].condition: Invalid XPath expression '/a[': the expression ends too early (at offset 3)",
      ],
    );
    assert.deepEqual(
      where(`
- router:
    routes:
      - { condition: 'x', language: groovy, steps: [] }
    defualt: { steps: [] }
`),
      [
        "3:37 steps[0].router.routes[0].language: 'groovy' is not one of 'simple', 'xpath'",
        "4:5 steps[0].router.defualt: unknown option 'defualt'",
      ],
    );
    assert.deepEqual(where(`- router: { routes: [] }`), [
      "1:21 steps[0].router.routes: 'routes': expected array length to be greater or equal to 1, got []",
    ]);
    assert.match(
      where(`- router: { routes: [{ steps: [] }] }`)[0],
      /routes\[0\]: missing required option 'condition'/,
    );
  });

  it('says how to fix every bad option', () => {
    assert.deepEqual(
      describeErrors(`
- router:
    routes:
      - { condition: 'x', language: Xpath, steps: [] }
      - { condition: '', steps: [] }
    default: { steps: {} }
`),
      [
        "3:37 steps[0].router.routes[0].language: 'Xpath' is not one of 'simple', 'xpath' (hint: Did you mean 'xpath'? Condition language: simple (CPI’s Non-XML) or xpath (CPI’s XML).)",
        "4:22 steps[0].router.routes[1].condition: 'condition': expected string length greater or equal to 1, got \"\" (hint: The condition, e.g. `${header.type} = 'order'` (Simple) or `/Order/Total > 100` (XPath).)",
        "5:23 steps[0].router.default.steps: 'steps': expected array, got {} (hint: Steps run when no condition holds.)",
      ],
    );
    assert.match(
      describeErrors('- router: {}')[0],
      /^1:11 .*missing required option 'routes' \(hint: Routes, tried/,
    );
  });

  it('compiles every example of its spec', () => {
    for (const example of routerSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});
