import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';

export const processCall = defineStep({
  kind: 'processCall',
  title: 'Process Call',
  description:
    'Runs a local integration process (declared under `localProcesses:`) with the current message.',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      process: Type.String({ description: 'Name of the local integration process to run' }),
    },
    { additionalProperties: false },
  ),
  examples: [{ title: 'Call a local process', yaml: '- processCall: { process: enrich }' }],
  compile(options, ctx, path) {
    return ctx.localProcess(options.process, [...path, 'process']) ?? (() => {});
  },
});
