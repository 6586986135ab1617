import { writeFileSync } from 'node:fs';
import { flowJsonSchema } from '../flow/json-schema.ts';
import { flowReferenceMarkdown } from '../flow/reference-doc.ts';

/** Writes the generated docs: the flow reference and the flow JSON Schema. */
const GENERATED = {
  'docs/flow-reference.md': flowReferenceMarkdown,
  'docs/flow-schema.json': () => `${JSON.stringify(flowJsonSchema(), null, 2)}\n`,
};

for (const [file, generate] of Object.entries(GENERATED)) writeFileSync(file, generate());
