import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { GatherOptions } from './gather.options.ts';

/**
 * In CPI the Gather is a shape placed after the split branch. Here the branch is explicit, so the
 * gather is written inside the splitter (`gather:`) or the multicast (`join:`). The kind is still
 * known so that a flow ported from CPI with a Gather after the splitter gets a message saying where it
 * goes, rather than "unknown step kind".
 */
export const gatherSpec = defineStep({
  kind: 'gather',
  title: 'Gather',
  description:
    'Merges the messages of a split or multicast into one. Write it inside the splitter as `gather:` or ' +
    'inside the multicast as `join:`, with these options; on its own in a step list it is an error.',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      ...GatherOptions.properties,
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Gather split orders at an XPath, under a new root',
      yaml: `- splitter:
    expression: { xpath: /Orders/Order }
    steps: []
    gather:
      strategy: combineAtXpath
      xpath: /Order
      targetXpath: /Orders
`,
    },
  ],
  compile(_options, ctx, path) {
    ctx.error(
      path,
      'a gather is written inside the splitter or multicast whose messages it merges, not as a step',
      'Move these options to the splitter’s `gather:` (or the multicast’s `join:`).',
    );
    return () => {};
  },
});
