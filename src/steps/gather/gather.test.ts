import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeErrors, runSteps, stepErrors } from '../../testing/run-steps.ts';
import { gatherSpec } from './gather.spec.ts';

const where = (yaml: string) => stepErrors(yaml).map((d) => `${d.line}:${d.col} ${d.message}`);

const MULTIMAP = `<?xml version='1.0' encoding='UTF-8'?><multimap:Messages xmlns:multimap="http://sap.com/xi/XI/SplitAndMerge">`;
const ORDERS =
  '<Orders><Order id="1"><Item>a</Item></Order><Order id="2"><Item>b</Item><Item>c</Item></Order></Orders>';

/** Splits `body` and gathers the parts unchanged with `gather` (a YAML flow map). */
async function gathered(
  gather: string,
  body: string,
  expression = '{ xpath: /Orders/Order }',
  flow?: string,
) {
  const ex = await runSteps(
    `- splitter: { expression: ${expression}, gather: ${gather} }`,
    { body },
    { flow },
  );
  return ex.message.body.text();
}

describe('gather', () => {
  it('combine puts XML parts in multimap:Message1, as CPI does for XML of the same format', async () => {
    assert.equal(
      await gathered('{ strategy: combine }', ORDERS),
      `${MULTIMAP}<multimap:Message1><Order id="1"><Item>a</Item></Order><Order id="2"><Item>b</Item><Item>c</Item></Order></multimap:Message1></multimap:Messages>`,
    );
  });

  it('combine with format different puts part N in multimap:MessageN', async () => {
    assert.equal(
      await gathered('{ format: different }', ORDERS),
      `${MULTIMAP}<multimap:Message1><Order id="1"><Item>a</Item></Order></multimap:Message1><multimap:Message2><Order id="2"><Item>b</Item><Item>c</Item></Order></multimap:Message2></multimap:Messages>`,
    );
  });

  it('combine drops the parts’ XML declarations', async () => {
    const ex = await runSteps(
      `
- splitter:
    expression: { token: '|' }
    gather: { strategy: combine }
`,
      { body: '<?xml version="1.0" encoding="UTF-8"?>\n<a/>|<b>x</b>' },
    );
    assert.equal(
      ex.message.body.text(),
      `${MULTIMAP}<multimap:Message1><a/><b>x</b></multimap:Message1></multimap:Messages>`,
    );
  });

  it('combine makes one JSON array of JSON parts', async () => {
    const body = JSON.stringify({ items: [{ a: 1 }, [2, 3], 'x'] });
    assert.equal(
      await gathered('{ strategy: combine }', body, "{ jsonpath: '$.items' }"),
      '[{"a":1},[2,3],"x"]',
    );
  });

  it('combine refuses mixed and broken parts, pointing to concatenate', async () => {
    await assert.rejects(
      gathered('{}', '<a/>,{"b":1}', "{ token: ',' }"),
      /combine got XML parts and parts that are not XML/,
    );
    await assert.rejects(
      gathered('{}', '{"a":1},{"b":', "{ token: ',' }"),
      (error: Error & { hint?: string }) => {
        assert.equal(error.message, 'Splitter "steps[0].splitter": part 2 is not valid JSON.');
        assert.match(error.hint ?? '', /concatenate/);
        return true;
      },
    );
  });

  it('combine and jsonArray take plain text parts as strings', async () => {
    assert.equal(await gathered('{}', 'a,b', "{ token: ',' }"), '["a","b"]');
    assert.equal(
      await gathered('{ strategy: jsonArray }', '{"skus":["A","B"]}', "{ jsonpath: '$.skus' }"),
      '["A","B"]',
    );
  });

  it('concatenate joins the parts’ bytes', async () => {
    assert.equal(await gathered('{ strategy: concatenate }', 'x;yé;z', "{ token: ';' }"), 'xyéz');
  });

  it('jsonArray collects objects and merges arrays into one array', async () => {
    const body = JSON.stringify({ items: [{ a: 1 }, [2, 3], [], 'x'] });
    assert.equal(
      await gathered('{ strategy: jsonArray }', body, "{ jsonpath: '$.items' }"),
      '[{"a":1},2,3,"x"]',
    );
  });

  it('combineAtXpath collects the nodes of every part under the target path, with namespaces', async () => {
    const body =
      '<o:Orders xmlns:o="urn:o"><o:Order><o:Item>a</o:Item></o:Order><o:Order><o:Item>b</o:Item><o:Item>c</o:Item></o:Order></o:Orders>';
    assert.equal(
      await gathered(
        '{ strategy: combineAtXpath, xpath: //o:Item, targetXpath: /o:Result/Items }',
        body,
        '{ xpath: /o:Orders/o:Order }',
        "namespaces: { o: 'urn:o' }",
      ),
      '<o:Result xmlns:o="urn:o"><Items><o:Item>a</o:Item><o:Item>b</o:Item><o:Item>c</o:Item></Items></o:Result>',
    );
  });

  it('combineAtXpath without a target keeps the ancestors the nodes had in the first part', async () => {
    assert.equal(
      await gathered('{ strategy: combineAtXpath, xpath: /Order/Item }', ORDERS),
      '<Order id="1"><Item>a</Item><Item>b</Item><Item>c</Item></Order>',
    );
  });

  it('combineAtXpath fails when no part has the nodes', async () => {
    await assert.rejects(
      gathered('{ strategy: combineAtXpath, xpath: //Nope }', ORDERS),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CW_ERR_STEP');
        assert.equal(
          error.message,
          'Splitter "steps[0].splitter": xpath "//Nope" found nothing in any part.',
        );
        return true;
      },
    );
  });

  it('combineAtXpath names a part that is not XML', async () => {
    await assert.rejects(
      gathered('{ strategy: combineAtXpath, xpath: //a }', '<a>1</a>|a=2', "{ token: '|' }"),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'CW_ERR_STEP');
        assert.match(
          error.message,
          /^Splitter "steps\[0\]\.splitter": part 2 is not well-formed XML \(.+\), which combineAtXpath needs\.$/,
        );
        assert.match(error.hint ?? '', /concatenate/);
        return true;
      },
    );
  });

  it('a split without parts gathers to an empty body, or an empty array', async () => {
    assert.equal(await gathered('{ strategy: combine }', '<Orders/>'), '');
    assert.equal(await gathered('{ strategy: jsonArray }', '{"items":[]}', "{ jsonpath: '$.items' }"), '[]');
  });

  it('reports options that do not fit the strategy, with line and column', () => {
    assert.deepEqual(
      where(`
- splitter:
    expression: { lineBreak: true }
    gather: { strategy: concatenate, format: same, xpath: /a }
`),
      [
        '3:46 steps[0].splitter.gather.format: `format` applies only to strategy combine',
        '3:59 steps[0].splitter.gather.xpath: `xpath` applies only to strategy combineAtXpath',
      ],
    );
    assert.deepEqual(
      where(`- splitter: { expression: { lineBreak: true }, gather: { strategy: combineAtXpath } }`),
      ['1:56 steps[0].splitter.gather: strategy combineAtXpath needs an `xpath`'],
    );
    assert.deepEqual(
      where(
        `- splitter: { expression: { lineBreak: true }, gather: { strategy: combineAtXpath, xpath: //a, targetXpath: '//r' } }`,
      ),
      ['1:109 steps[0].splitter.gather.targetXpath: targetXpath "//r" is not a plain element path'],
    );
    assert.deepEqual(
      where(
        `- splitter: { expression: { lineBreak: true }, gather: { strategy: combineAtXpath, xpath: //a, targetXpath: /x:r } }`,
      ),
      ['1:109 steps[0].splitter.gather.targetXpath: namespace prefix "x" in targetXpath is not declared'],
    );
    assert.deepEqual(where(`- splitter: { expression: { lineBreak: true }, gather: { strategy: zip } }`), [
      "1:68 steps[0].splitter.gather.strategy: 'zip' is not one of 'combine', 'combineAtXpath', 'concatenate', 'jsonArray'",
    ]);
  });

  it('says how to fix every bad gather option', () => {
    const errors = describeErrors(`
- multicast:
    branches: [{ steps: [] }]
    join: { strategy: combineAtXpath, xpath: //a, format: same, targetXpath: '//r' }
`);
    assert.deepEqual(errors, [
      '3:59 steps[0].multicast.join.format: `format` applies only to strategy combine (hint: Remove `format` or use strategy combine.)',
      '3:78 steps[0].multicast.join.targetXpath: targetXpath "//r" is not a plain element path (hint: Write it as /root/child, e.g. /ns0:Orders.)',
    ]);
    assert.match(
      describeErrors('- multicast: { branches: [{ steps: [] }], join: { strategy: jsonarray } }')[0],
      /'jsonarray' is not one of .* \(hint: Did you mean 'jsonArray'\?/,
    );
    assert.match(
      describeErrors('- multicast: { branches: [{ steps: [] }], join: { strategy: combineAtXpath } }')[0],
      /needs an `xpath` \(hint: Add `xpath:` naming the nodes to combine\.\)$/,
    );
  });

  it('as a step of its own, says where a gather belongs', () => {
    const [error] = stepErrors(`- contentModifier: {}\n- gather: { strategy: combine }`);
    assert.equal(
      `${error.line}:${error.col} ${error.message}`,
      '2:11 steps[1].gather: a gather is written inside the splitter or multicast whose messages it merges, not as a step',
    );
    assert.match(error.hint ?? '', /splitter’s `gather:`/);
  });

  it('compiles every example of its spec', () => {
    for (const example of gatherSpec.examples ?? []) {
      assert.deepEqual(stepErrors(example.yaml), [], example.title);
    }
  });
});
