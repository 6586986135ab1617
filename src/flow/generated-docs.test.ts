import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { flowJsonSchema } from './json-schema.ts';
import { flowReferenceMarkdown } from './reference-doc.ts';

// The reference and schema in docs/ are generated from the specs; stale copies mislead users.
it('docs/flow-reference.md and docs/flow-schema.json are up to date (run `npm run docs`)', () => {
  const root = new URL('../../', import.meta.url);
  assert.equal(readFileSync(new URL('docs/flow-reference.md', root), 'utf8'), flowReferenceMarkdown());
  assert.equal(
    readFileSync(new URL('docs/flow-schema.json', root), 'utf8'),
    `${JSON.stringify(flowJsonSchema(), null, 2)}\n`,
  );
});
