import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** Libraries that only some steps, expressions or adapters need; see src/engine/lazy-module.ts. */
const ON_DEMAND = [
  '@sinclair/typebox',
  '@xmldom/xmldom',
  'xpath',
  'jsonpath-plus',
  'croner',
  'jsonata',
  'fflate',
  'fast-xml-parser',
  'csv-parse',
  'csv-stringify',
  'saxon-js',
];

/**
 * Compiles and runs a flow in a fresh Node process and returns the packages it loaded: within this
 * test process other tests may already have loaded them.
 */
function packagesLoadedBy(flow: string): Set<string> {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = new Set();
    registerHooks({
      load(url, context, next) {
        const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url)?.[1];
        if (name) loaded.add(name);
        return next(url, context);
      },
    });
    const { compileFlow } = await import('./src/flow/compiler.ts');
    const { detachedServices } = await import('./src/runtime/detached-services.ts');
    const { flow, diagnostics } = compileFlow(${JSON.stringify(flow)}, {
      file: '/flows/f.yaml',
      services: detachedServices(),
    });
    if (!flow) throw new Error(JSON.stringify(diagnostics));
    console.log(JSON.stringify([...loaded]));
  `;
  const root = new URL('../../', import.meta.url);
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return new Set(JSON.parse(run.stdout) as string[]);
}

describe('libraries loaded on first use', () => {
  it('a flow that uses none of them loads none of them', () => {
    const loaded = packagesLoadedBy(
      [
        'id: plain',
        'steps:',
        '  - contentModifier:',
        '      headers: [{ action: create, name: x, source: expression, value: "${header.y}" }]',
        '  - script: { language: javascript, source: "function processData(m) { return m; }" }',
      ].join('\n'),
    );
    assert.deepEqual(
      ON_DEMAND.filter((name) => loaded.has(name)),
      [],
    );
  });

  it('a flow with an XPath and a JSONPath filter loads those two to check them', () => {
    const loaded = packagesLoadedBy(
      [
        'id: paths',
        'steps:',
        '  - filter: { xpath: /order/id }',
        "  - filter: { jsonpath: '$.items[?(@.qty > 1)]' }",
      ].join('\n'),
    );
    assert.deepEqual(
      ON_DEMAND.filter((name) => loaded.has(name)),
      ['xpath', 'jsonpath-plus'],
    );
  });
});
