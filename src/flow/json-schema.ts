import type { TSchema } from '@sinclair/typebox';
import { receiverAdapters, senderAdapters } from '../adapters/index.ts';
import { steps } from '../steps/index.ts';
import { FlowSchema } from './flow.schema.ts';

const STEP_LIST_REF = { $ref: '#/$defs/stepList' };

/**
 * The JSON Schema of flow files, generated from the flow model and every step's and adapter's spec,
 * so that it cannot drift from what the loader accepts. Editors use it for completion and checks.
 */
export function flowJsonSchema(): Record<string, unknown> {
  const step = {
    oneOf: steps.map((spec) => ({
      type: 'object',
      title: spec.title,
      description: spec.description,
      additionalProperties: false,
      required: [spec.kind],
      properties: { [spec.kind]: plain(spec.options) },
    })),
  };
  const adapterConfig = (specs: typeof senderAdapters | typeof receiverAdapters) => ({
    oneOf: specs.map((spec) => {
      const options = plain(spec.options) as { properties?: object; required?: string[] };
      return {
        ...options,
        title: spec.title,
        description: spec.description,
        properties: { adapter: { const: spec.kind }, ...options.properties },
        required: ['adapter', ...(options.required ?? [])],
      };
    }),
  });
  const root = plain(FlowSchema) as Record<string, any>;
  root.properties.sender = { $ref: '#/$defs/sender' };
  root.properties.receivers.additionalProperties = { $ref: '#/$defs/receiver' };
  delete root.properties.receivers.patternProperties;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://causeway.dev/schema/flow.json',
    title: 'Causeway integration flow',
    ...root,
    $defs: {
      stepList: { type: 'array', items: { $ref: '#/$defs/step' } },
      step,
      sender: adapterConfig(senderAdapters),
      receiver: adapterConfig(receiverAdapters),
    },
  };
}

/** A TypeBox schema as plain JSON, with nested step lists turned into references. */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema), (_key, value) =>
    value && typeof value === 'object' && value['x-causeway-steps'] ? STEP_LIST_REF : value,
  );
}
