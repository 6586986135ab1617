import { formatPath } from '../../flow/path.ts';
import { Type } from '../../flow/schema-builder.ts';
import { GatherOptions } from '../gather/gather.options.ts';
import { defineStep, StepList } from '../step.spec.ts';
import { compileSplitter, DEFAULT_PARALLEL_TIMEOUT_MS } from './splitter.ts';

/** setTimeout's limit (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const splitterSpec = defineStep({
  kind: 'splitter',
  title: 'Splitter',
  description:
    'Splits the message into parts and runs `steps` on each part, one after another or in parallel. With ' +
    '`gather`, the parts are merged into the new body afterwards; without, the original message goes on ' +
    'unchanged (a body split from a stream is consumed: it is empty afterwards). Each part has the properties CamelSplitIndex (from 0), CamelSplitSize and CamelSplitComplete.',
  streaming: true,
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      type: Type.Optional(
        Type.Union([Type.Literal('general'), Type.Literal('iterating')], {
          default: 'iterating',
          description:
            'general: each XML part keeps its envelope (the ancestors and the elements before the split ' +
            'point; for JSON the document around the array); iterating: each part is the item alone. ' +
            'Lines and tokens are the same in both.',
        }),
      ),
      expression: Type.Object(
        {
          xpath: Type.Optional(Type.String({ minLength: 1, description: 'XPath to the split point.' })),
          jsonpath: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'JSONPath to an array or the items (Causeway extension).',
            }),
          ),
          lineBreak: Type.Optional(
            Type.Literal(true, { description: 'One part per line (blank lines are skipped).' }),
          ),
          token: Type.Optional(
            Type.String({ minLength: 1, description: 'Split at each occurrence of this text.' }),
          ),
        },
        {
          additionalProperties: false,
          description: 'Where to split: exactly one of xpath, jsonpath, lineBreak, token.',
        },
      ),
      grouping: Type.Optional(
        Type.Integer({ minimum: 1, default: 1, description: 'Items per part (CPI’s Grouping).' }),
      ),
      parallel: Type.Optional(
        Type.Object(
          {
            enabled: Type.Optional(Type.Boolean({ default: false, description: 'Run parts concurrently.' })),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: 50,
                default: 10,
                description: 'Parts running at once (CPI’s Number of Concurrent Processes, at most 50).',
              }),
            ),
            timeoutMs: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_TIMEOUT_MS,
                default: DEFAULT_PARALLEL_TIMEOUT_MS,
                description:
                  'With enabled: the time all parts may take, in ms (CPI’s Timeout, 300 s by default). When it ' +
                  'passes, the parts still running are stopped, no further part starts, and the splitter fails ' +
                  'with CW_ERR_SPLITTER_TIMEOUT.',
              }),
            ),
          },
          { additionalProperties: false, description: 'Parallel processing of the parts.' },
        ),
      ),
      streaming: Type.Optional(
        Type.Boolean({
          default: false,
          description:
            'Split a streamed body by lineBreak or token as it arrives, without reading it all into memory.',
        }),
      ),
      stopOnException: Type.Optional(
        Type.Boolean({
          default: true,
          description:
            'Stop at the first failing part; otherwise run every part and fail with the first error at the end.',
        }),
      ),
      steps: Type.Optional(StepList({ description: 'Steps run on each part.' })),
      gather: Type.Optional(GatherOptions),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Process each order of a bulk message and gather the results',
      yaml: `- splitter:
    name: Each order
    type: iterating
    expression: { xpath: /Orders/Order }
    steps:
      - contentModifier:
          headers: [{ name: orderId, source: xpath, value: /Order/@id }]
    gather: { strategy: combine }
`,
    },
    {
      title: 'Stream a large CSV file in groups of 100 lines, 5 groups at a time, for at most 10 minutes',
      yaml: `- splitter:
    expression: { lineBreak: true }
    grouping: 100
    streaming: true
    parallel: { enabled: true, limit: 5, timeoutMs: 600000 }
    steps:
      - contentModifier:
          properties: [{ name: batch, source: expression, value: '\${property.CamelSplitIndex}' }]
`,
    },
    {
      title: 'Split a JSON array, keeping the order header, and collect the parts into one array',
      yaml: `- splitter:
    type: general
    expression: { jsonpath: $.order.items }
    stopOnException: false
    steps: []
    gather: { strategy: jsonArray }
`,
    },
  ],
  compile: (options, ctx, path) => compileSplitter(options, ctx, path, options.name ?? formatPath(path)),
});
